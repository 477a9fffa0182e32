package io.driftgate.launcher;
/** placeholder */
final class Placeholder {}

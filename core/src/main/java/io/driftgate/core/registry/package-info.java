/**
 * Model registry and promotion ledger: content-addressed, verified model directories ({@link
 * io.driftgate.core.registry.ModelDirectory}, {@link io.driftgate.core.registry.ModelRegistry}) and
 * an append-only, hash-chained ledger of alias moves ({@link
 * io.driftgate.core.registry.FileSystemModelRegistry}). Engine-free.
 */
package io.driftgate.core.registry;

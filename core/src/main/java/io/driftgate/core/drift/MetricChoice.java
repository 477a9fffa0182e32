package io.driftgate.core.drift;

import io.driftgate.core.drift.metrics.DriftMetric;

/** The metric and threshold applied to one feature, and whether they were overridden. */
public record MetricChoice(DriftMetric metric, double threshold, boolean overridden) {}

package io.driftgate.core.drift.metrics;

/**
 * Outcome of a statistical test.
 *
 * @param statistic the test statistic (KS D, chi-squared)
 * @param pValue probability of a statistic at least this extreme under the null hypothesis
 * @param degreesOfFreedom degrees of freedom (chi-squared) or the effective sample size n*m/(n+m)
 *     (KS)
 */
public record TestResult(double statistic, double pValue, double degreesOfFreedom) {}

package io.driftgate.core.drift.metrics;

/**
 * Two-sample Kolmogorov–Smirnov test.
 *
 * <pre>
 *   D = sup_x | F_a(x) - F_b(x) |
 * </pre>
 *
 * evaluated on the union of both samples' support points (the sup of two right-continuous step
 * functions is attained there). The p-value uses the asymptotic Kolmogorov distribution with the
 * effective-n correction of Stephens (1970), as in Numerical Recipes §14.3 ({@code kstwo}):
 *
 * <pre>
 *   n_e = n m / (n + m)
 *   lambda = (sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) * D
 *   p = Q_KS(lambda) = 2 sum_{j&gt;=1} (-1)^(j-1) exp(-2 j^2 lambda^2)
 * </pre>
 *
 * For {@code lambda < 1.18} the equivalent, faster-converging Jacobi-theta form {@code Q_KS = 1 -
 * sqrt(2 pi)/lambda sum_{j>=1} exp(-(2j-1)^2 pi^2 / (8 lambda^2))} is used (Numerical Recipes 3rd
 * ed., §6.14). For sketches, {@code n} and {@code m} are the sketches' stream lengths and the CDFs
 * are those of the sketches' retained, weighted items.
 */
public final class KolmogorovSmirnov {
  /** KS as a drift metric: a test on numeric samples, drift when p &lt; 0.05. */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.numericOnly(true, 0.05, KolmogorovSmirnov::compare);

  private KolmogorovSmirnov() {}

  /**
   * The KS statistic D between two raw samples.
   *
   * @throws IllegalArgumentException if a sample is empty or contains NaN
   */
  public static double statistic(double[] a, double[] b) {
    return statistic(EmpiricalDistribution.ofValues(a), EmpiricalDistribution.ofValues(b));
  }

  /** The KS statistic D between two empirical distributions. */
  public static double statistic(EmpiricalDistribution a, EmpiricalDistribution b) {
    double[][] u = EmpiricalDistribution.unionCdfs(a, b);
    double d = 0;
    for (int i = 0; i < u[0].length; i++) {
      d = Math.max(d, Math.abs(u[1][i] - u[2][i]));
    }
    return d;
  }

  /** D and its asymptotic p-value for two raw samples. */
  public static TestResult test(double[] a, double[] b) {
    return test(EmpiricalDistribution.ofValues(a), EmpiricalDistribution.ofValues(b));
  }

  /** D and its asymptotic p-value, with sample sizes taken from the distributions. */
  public static TestResult test(EmpiricalDistribution a, EmpiricalDistribution b) {
    double d = statistic(a, b);
    double ne = effectiveN(a.sampleSize(), b.sampleSize());
    return new TestResult(d, pValue(d, ne), ne);
  }

  /** Effective sample size {@code n m / (n + m)}. */
  public static double effectiveN(long n, long m) {
    if (n <= 0 || m <= 0) {
      throw new IllegalArgumentException("sample sizes must be positive: " + n + ", " + m);
    }
    return (double) n * m / ((double) n + m);
  }

  /** Asymptotic p-value of statistic {@code d} at effective sample size {@code ne}. */
  public static double pValue(double d, double ne) {
    double sqrtNe = Math.sqrt(ne);
    return kolmogorovQ((sqrtNe + 0.12 + 0.11 / sqrtNe) * d);
  }

  /**
   * Complementary Kolmogorov distribution {@code Q_KS(lambda) = P(K > lambda)}, where K is the
   * supremum of the Brownian bridge.
   */
  public static double kolmogorovQ(double lambda) {
    if (Double.isNaN(lambda)) {
      return Double.NaN;
    }
    if (lambda <= 0) {
      return 1.0;
    }
    if (lambda < 1.18) {
      if (lambda < 0.1) {
        return 1.0; // P(K <= 0.1) is below 1e-100
      }
      double y = Math.exp(-Math.PI * Math.PI / (8 * lambda * lambda));
      // sum_j y^((2j-1)^2) for j = 1..4 suffices to double precision for lambda < 1.18
      double y8 = Math.pow(y, 8);
      double sum = y * (1 + y8 * (1 + y8 * y8 * (1 + y8 * y8 * y8)));
      double p = Math.sqrt(2 * Math.PI) / lambda * sum;
      return clamp(1 - p);
    }
    double sum = 0;
    double sign = 1;
    for (int j = 1; j <= 100; j++) {
      double term = Math.exp(-2.0 * j * j * lambda * lambda);
      sum += sign * term;
      if (term < 1e-17 * Math.abs(sum)) {
        break;
      }
      sign = -sign;
    }
    return clamp(2 * sum);
  }

  private static double clamp(double p) {
    return Math.max(0.0, Math.min(1.0, p));
  }

  /**
   * The test on two numeric samples: exact on the raw values when both sides hold them, else on the
   * sketches' distributions with each side credited its {@link NumericSample#effectiveSize()}.
   */
  static TestResult compare(NumericSample reference, NumericSample current) {
    if (NumericSample.bothExact(reference, current)) {
      // the raw values' distributions (EmpiricalDistribution.ofValues), as test(a, b) makes them
      return test(reference.distribution(), current.distribution());
    }
    double d = statistic(reference.distribution(), current.distribution());
    double a = reference.effectiveSize();
    double b = current.effectiveSize();
    return new TestResult(d, pValue(d, a * b / (a + b)), Double.NaN);
  }
}

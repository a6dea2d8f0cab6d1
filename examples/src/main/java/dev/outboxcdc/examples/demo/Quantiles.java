package dev.outboxcdc.examples.demo;

import java.util.List;

/** Nearest-rank quantiles of a sorted sample (0 for an empty one). */
final class Quantiles {

    private Quantiles() {}

    static double of(List<Double> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sorted.size());
        return sorted.get(Math.min(sorted.size(), Math.max(1, rank)) - 1);
    }
}

/**
 * Model registry and promotion ledger: content-addressed, verified model directories ({@link
 * io.driftgate.core.registry.ModelDirectory}, {@link io.driftgate.core.registry.ModelRegistry}) and
 * an append-only, hash-chained ledger of alias moves, kept in the control plane's state database
 * with the model files in its artifact store ({@link
 * io.driftgate.core.registry.JdbcModelRegistry}). Engine-free.
 */
package io.driftgate.core.registry;

/* SPDX-License-Identifier: Apache-2.0 */
/**
 * Reproducibility: the one build clock ({@link dev.jimg.core.repro.BuildClock}) and the derivation
 * of every identity from a seed ({@link dev.jimg.core.repro.Identities}), so that the same input
 * always gives the same image bytes.
 */
package dev.jimg.core.repro;

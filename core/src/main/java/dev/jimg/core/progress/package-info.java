/* SPDX-License-Identifier: Apache-2.0 */
/** Progress events the library reports and callers render; the library itself never prints. */
package dev.jimg.core.progress;

/* SPDX-License-Identifier: Apache-2.0 */
/** The fat module of jimg: not written yet (see the issue that names it). */
package dev.jimg.fat;

/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.progress;

/**
 * Receives {@link ProgressEvent}s from a long operation (writing an image, reading a source). The
 * library only reports; rendering (a bar on a terminal, nothing in a pipe) is the caller's.
 *
 * <p>Called on the thread doing the work, possibly often: implementations should return quickly and
 * must not throw. An operation reports at least its start and end of each phase.
 */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores every event. */
  ProgressListener NONE = event -> {};

  /** Called as the operation advances. */
  void onProgress(ProgressEvent event);
}

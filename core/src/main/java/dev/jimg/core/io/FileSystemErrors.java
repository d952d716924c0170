/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Why a host file operation failed, in words: the JDK leaves the reason of its common failures
 * empty and says it by the exception's type. Shared by the command line's error line and by code
 * that reports a host path other than the one the JDK names.
 */
public final class FileSystemErrors {
  private FileSystemErrors() {}

  /** {@code "permission denied"}, {@code "no such file or directory"}, ... or the JDK's reason. */
  public static String reason(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      return "permission denied";
    } else if (e instanceof NotDirectoryException) {
      return "not a directory";
    } else if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    } else if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    } else if (e instanceof NotLinkException) {
      return "not a symbolic link";
    }
    return e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
  }
}

package org.syshotplug.launcher;

/** The runtime could not be brought up; the message says what is missing and where to look. */
public class LaunchException extends Exception {

    private static final long serialVersionUID = 1L;

    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}

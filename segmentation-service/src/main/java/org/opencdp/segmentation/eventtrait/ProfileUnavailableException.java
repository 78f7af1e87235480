package org.opencdp.segmentation.eventtrait;

/** profile-service did not answer, or answered something that is not what was asked. */
public class ProfileUnavailableException extends Exception {

    public ProfileUnavailableException(String message) {
        super(message);
    }

    public ProfileUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

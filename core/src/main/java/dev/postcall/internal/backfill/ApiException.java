package dev.postcall.internal.backfill;

/**
 * Why a call of {@link ElevenLabsApi} gave no answer, one of five. The message names the request (method and path,
 * no query), the HTTP status and the vendor's error code ({@code detail.status}, such as
 * {@code too_many_concurrent_requests}); never the API key, never a body.
 */
public abstract sealed class ApiException extends Exception
        permits ApiException.KeyRejected, ApiException.NotFound, ApiException.Unavailable, ApiException.Refused,
        ApiException.Malformed {

    private static final long serialVersionUID = 1L;

    private final int status;

    ApiException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the last answer, or 0 when there was none (a timeout, a refused connection). */
    public int status() {
        return status;
    }

    /**
     * 401 or 403: the key is wrong, revoked or lacks a permission. Nothing it does succeeds until the application
     * restarts with another key, so the client sends no further request once it has seen one.
     */
    public static final class KeyRejected extends ApiException {
        private static final long serialVersionUID = 1L;

        KeyRejected(String message, int status) {
            super(message, status, null);
        }
    }

    /** 404: the conversation (or its audio) is not there: deleted, past retention, or never recorded. */
    public static final class NotFound extends ApiException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, 404, null);
        }
    }

    /**
     * Worth trying again later: 408, 429 or 5xx answers, timeouts and broken connections, still failing after every
     * attempt the policy allows (or a {@code Retry-After} longer than it waits).
     */
    public static final class Unavailable extends ApiException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, int status, Throwable cause) {
            super(message, status, cause);
        }
    }

    /** Any other 4xx: the request is wrong for this API, and sending it again changes nothing. */
    public static final class Refused extends ApiException {
        private static final long serialVersionUID = 1L;

        Refused(String message, int status) {
            super(message, status, null);
        }
    }

    /** A 200 whose body is not what the SDK's types describe (or larger than the client reads). */
    public static final class Malformed extends ApiException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, 200, null);
        }
    }
}

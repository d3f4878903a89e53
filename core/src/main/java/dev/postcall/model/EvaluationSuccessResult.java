package dev.postcall.model;

/**
 * How the sender judged a call or an evaluation criterion ({@code EvaluationSuccessResult} in its schema):
 * {@code success}, {@code failure} or {@code unknown}.
 */
public enum EvaluationSuccessResult {
    /** {@code success} */
    SUCCESS,
    /** {@code failure} */
    FAILURE,
    /** {@code unknown}, or a value postcall does not know */
    UNKNOWN
}

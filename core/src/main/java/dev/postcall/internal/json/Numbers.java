package dev.postcall.internal.json;

import java.math.BigDecimal;

/**
 * postcall's one number policy, as the model's package documentation states it: a whole-number field holds a
 * whole number written in any JSON form ({@code 22}, {@code 22.0}, {@code 1e3}, {@code "22"}); a fraction
 * ({@code 22.5}), a value out of the field's range or anything that is not a number is not one. A decimal field
 * holds any finite number in those forms. What a value that does not fit becomes is the caller's: {@code null}
 * in the model, a refused event for the envelope's {@code event_timestamp}.
 */
public final class Numbers {

    /** Longer numeric strings are refused before any arithmetic: a hostile string must not cost a huge decimal. */
    private static final int MAX_TEXT = 100;

    private Numbers() {
    }

    /** The number a JSON number's text or a numeric string holds (spaces around it ignored), else {@code null}. */
    public static BigDecimal parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > MAX_TEXT) {
            return null;
        }
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code d} as a whole number when it is one and fits a long, else {@code null}. */
    public static Long whole(BigDecimal d) {
        if (d == null) {
            return null;
        }
        if (d.signum() == 0) {
            return 0L;
        }
        // refuse huge exponents before any arithmetic expands them
        if (d.precision() - d.scale() > 19) {
            return null;
        }
        // the common case, an integer as written, needs no stripping (which divides by ten for every zero)
        BigDecimal whole = d.scale() <= 0 ? d : d.stripTrailingZeros();
        if (whole.scale() > 0) {
            return null;
        }
        try {
            return whole.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** {@link #whole(BigDecimal)} that also fits an int, else {@code null}. */
    public static Integer wholeInt(BigDecimal d) {
        Long value = whole(d);
        return value == null || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? null : value.intValue();
    }

    /** {@code d} as a double when it is finite there, else {@code null}. */
    public static Double decimal(BigDecimal d) {
        if (d == null) {
            return null;
        }
        double value = d.doubleValue();
        return Double.isInfinite(value) ? null : value;
    }
}

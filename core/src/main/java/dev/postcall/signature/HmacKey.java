package dev.postcall.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** One secret ready to sign: a keyed prototype {@link Mac} that is cloned, never used itself. */
final class HmacKey {
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Mac prototype;
    private final boolean cloneable;

    HmacKey(String secret) {
        if (secret == null || secret.isBlank()) {
            // Never echo the value: a blank secret may still be someone's mistyped real one.
            throw new IllegalArgumentException("A webhook secret is empty or blank");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.prototype = newMac(key);
        boolean canClone;
        try {
            prototype.clone();
            canClone = true;
        } catch (CloneNotSupportedException e) {
            canClone = false;
        }
        this.cloneable = canClone;
    }

    /** A fresh keyed {@link Mac} for one message; cloning skips re-deriving the HMAC pads. */
    Mac newMac() {
        if (cloneable) {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                // checked once at construction; fall through to a new instance
            }
        }
        return newMac(key);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}

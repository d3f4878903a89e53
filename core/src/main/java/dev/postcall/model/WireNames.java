package dev.postcall.model;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Maps wire names to enum constants once per enum type. */
final class WireNames {
    private static final ClassValue<Map<String, Enum<?>>> BY_TYPE = new ClassValue<>() {
        @Override
        protected Map<String, Enum<?>> computeValue(Class<?> type) {
            Map<String, Enum<?>> names = new HashMap<>();
            for (Object constant : type.getEnumConstants()) {
                Enum<?> e = (Enum<?>) constant;
                names.put(e.name().toLowerCase(Locale.ROOT), e);
                names.put(e.name().toLowerCase(Locale.ROOT).replace('_', '-'), e);
            }
            return names;
        }
    };

    private WireNames() {
    }

    static <E extends Enum<E>> E lookup(Class<E> type, String raw) {
        Enum<?> known = raw == null ? null : BY_TYPE.get(type).get(raw);
        if (known == null && raw != null) {
            known = BY_TYPE.get(type).get(raw.strip().toLowerCase(Locale.ROOT));
        }
        return type.cast(known != null ? known : Enum.valueOf(type, "UNKNOWN"));
    }
}

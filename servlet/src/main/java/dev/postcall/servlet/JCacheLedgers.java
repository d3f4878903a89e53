package dev.postcall.servlet;

import dev.postcall.internal.delivery.InMemoryDeliveryLedger;
import dev.postcall.internal.delivery.JCacheDeliveryLedger;
import dev.postcall.spi.DeliveryLedger;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;

/**
 * Opens the JCache cache for {@code delivery-ledger=jcache:<name>}. A class of its own, so the javax.cache API is
 * loaded only when that setting is used.
 */
final class JCacheLedgers {
    private JCacheLedgers() {
    }

    /** The named cache of the default caching provider, created with a two-hour expiry when it does not exist. */
    static DeliveryLedger open(String name) {
        CacheManager manager = Caching.getCachingProvider().getCacheManager();
        Cache<String, String> cache = manager.getCache(name, String.class, String.class);
        if (cache == null) {
            cache = manager.createCache(name, new MutableConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(
                            TimeUnit.MILLISECONDS, InMemoryDeliveryLedger.DEFAULT_RETENTION.toMillis()))));
        }
        return new JCacheDeliveryLedger(cache);
    }
}

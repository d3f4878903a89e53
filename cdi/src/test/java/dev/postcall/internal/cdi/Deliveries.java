package dev.postcall.internal.cdi;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** What the test observers saw, by observer name, and what they should throw. */
@Singleton
class Deliveries {

    private final Map<String, List<Object>> seen = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Object>> firstSeen = new ConcurrentHashMap<>();

    volatile Exception syncFailure;
    volatile RuntimeException asyncFailure;
    volatile RuntimeException deliveryFailureObserverFailure;
    /** When set, asynchronous body readers wait for it before reading. */
    volatile CountDownLatch asyncGate;

    void record(String observer, Object event) {
        seen.computeIfAbsent(observer, k -> new CopyOnWriteArrayList<>()).add(event);
        first(observer).complete(event);
    }

    List<Object> seen(String observer) {
        return List.copyOf(seen.getOrDefault(observer, List.of()));
    }

    /** Completes when {@code observer} is first notified; for asynchronous observers. */
    CompletableFuture<Object> first(String observer) {
        return firstSeen.computeIfAbsent(observer, k -> new CompletableFuture<>());
    }
}

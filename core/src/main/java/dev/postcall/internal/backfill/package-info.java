/**
 * Backfill from ElevenLabs' Conversations API, and a watch on the webhook's state at ElevenLabs. Internal to postcall;
 * not API.
 *
 * <p>{@link dev.postcall.internal.backfill.ElevenLabsApi} reads the vendor's API (the wire names of its generated
 * SDK, {@code @elevenlabs/elevenlabs-js} 2.73.0) with the JDK's HTTP client.
 * {@link dev.postcall.internal.backfill.Backfill} lists the conversations of a window, fetches those this application
 * never received and hands each, as a backfilled event, to a {@link dev.postcall.internal.backfill.BackfillSink}: the
 * seam through which the delivery pipeline (its store and dispatcher) is reached, so this package knows nothing of
 * either.
 * {@link dev.postcall.internal.backfill.WebhookWatch} reports a webhook ElevenLabs disabled.
 * {@link dev.postcall.internal.backfill.BackfillScheduler} runs both every interval on one daemon thread.
 */
package dev.postcall.internal.backfill;

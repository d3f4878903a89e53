package dev.postcall.internal.net;

import java.util.List;

/**
 * The static addresses ElevenLabs sends webhooks from, as documented on its post-call webhooks page ("IP
 * whitelisting") and in postcall's {@code payload-schema.md} §2. {@code ip-allowlist=elevenlabs} allows exactly
 * these.
 *
 * <table>
 *   <caption>Egress addresses</caption>
 *   <tr><th>region</th><th>addresses</th></tr>
 *   <tr><td>US (default)</td><td>34.67.146.145, 34.59.11.47</td></tr>
 *   <tr><td>EU</td><td>35.204.38.71, 34.147.113.54</td></tr>
 *   <tr><td>Asia</td><td>35.185.187.110, 35.247.157.189</td></tr>
 *   <tr><td>EU data residency</td><td>34.77.234.246, 34.140.184.144</td></tr>
 *   <tr><td>India data residency</td><td>34.93.26.174, 34.93.252.69</td></tr>
 *   <tr><td>Singapore data residency</td><td>34.87.23.17, 34.126.179.103</td></tr>
 * </table>
 *
 * <p>The vendor says these "will remain consistent"; if it adds one, list it in {@code ip-allowlist} next to
 * {@code elevenlabs} until a release of postcall carries it.
 */
public final class ElevenLabsEgress {
    private ElevenLabsEgress() {
    }

    /** Every documented egress address, default regions first, then the data-residency regions. */
    public static final List<String> ADDRESSES = List.of(
            // US (default)
            "34.67.146.145", "34.59.11.47",
            // EU
            "35.204.38.71", "34.147.113.54",
            // Asia
            "35.185.187.110", "35.247.157.189",
            // EU data residency
            "34.77.234.246", "34.140.184.144",
            // India data residency
            "34.93.26.174", "34.93.252.69",
            // Singapore data residency (payload-schema.md §2; newer than the archived vendor page)
            "34.87.23.17", "34.126.179.103");
}

package dev.postcall.internal.json;

/**
 * What a streaming read of a webhook body found: the envelope's members, {@code data}'s ids, and where
 * {@code data} and {@code data.full_audio} sit in the body. Internal to postcall; not API.
 *
 * @param type           the envelope's {@code type}
 * @param eventTimestamp the envelope's {@code event_timestamp} in unix seconds; 0 when absent or null
 * @param agentId        {@code data.agent_id} when it is a string, else {@code null}
 * @param conversationId {@code data.conversation_id} when it is a string, else {@code null}
 * @param dataStart      offset of the {@code data} object's opening brace
 * @param dataEnd        offset just past the {@code data} object's closing brace
 * @param audioStart     offset of the first character inside the {@code data.full_audio} string, or -1 when
 *                       {@code full_audio} is absent or not a string
 * @param parts          where the members a call report reads sit inside {@code data}, found in the same scan
 * @param backfilled     whether the envelope has the member {@code "postcall_backfilled": true}: postcall's backfill
 *                       built the body from the Conversations API (the vendor's webhooks never carry the member)
 */
public record Envelope(
        String type,
        long eventTimestamp,
        String agentId,
        String conversationId,
        long dataStart,
        long dataEnd,
        long audioStart,
        DataParts parts,
        boolean backfilled) {

    /** The envelope member postcall's backfill adds to the bodies it builds; {@code true} is its only value. */
    public static final String BACKFILLED = "postcall_backfilled";

    /**
     * Where {@code data}'s members that a call report reads sit in the body, so that a report can bind them alone
     * instead of the whole transcript. Offsets are -1 when the member is absent or JSON {@code null}. When a member
     * has a shape the model would refuse or convert (an id that is not a string, {@code metadata} that is not an
     * object, a {@code transcript} that is not an array), {@code plain} is false and only a full binding gives the
     * right answer.
     *
     * @param metadataStart   offset of {@code metadata}'s opening brace
     * @param metadataEnd     offset just past its closing brace
     * @param analysisStart   offset of {@code analysis}'s opening brace
     * @param analysisEnd     offset just past its closing brace
     * @param clientDataStart offset of {@code conversation_initiation_client_data}'s opening brace
     * @param clientDataEnd   offset just past its closing brace
     * @param userIdStart     offset of the opening quote of the {@code user_id} string
     * @param turnCount       the number of elements of the {@code transcript} array (0 when absent or null)
     * @param transcriptSent  whether {@code transcript} is an array (the last one, when the member is repeated):
     *                        absent and {@code null} are not sent
     * @param plain           true when every member above is absent, null, or of the type the model has for it
     */
    public record DataParts(
            long metadataStart,
            long metadataEnd,
            long analysisStart,
            long analysisEnd,
            long clientDataStart,
            long clientDataEnd,
            long userIdStart,
            int turnCount,
            boolean transcriptSent,
            boolean plain) {
    }
}

package io.readstates.gateway;

/** WebSocket close codes of the gateway protocol (see asyncapi.json). */
public final class CloseCodes
{
    /** The identify token is missing, forged, expired, or names no valid user. */
    public static final short AUTHENTICATION_FAILED = 4001;
    /** No identify frame arrived in time. */
    public static final short IDENTIFY_TIMEOUT = 4002;
    /** A frame that is not valid JSON, not a known op, or not valid for that op. */
    public static final short INVALID_FRAME = 4003;
    /** The user, or the server, has as many sessions as it allows. */
    public static final short TOO_MANY_SESSIONS = 4005;
    /** The client stopped reading and stayed behind longer than allowed. */
    public static final short SLOW_CONSUMER = 4008;
    /** The client sent nothing, not even a pong, for longer than the idle timeout. */
    public static final short IDLE_TIMEOUT = 4009;
    /** A message larger than the configured limit, counted in bytes. */
    public static final short MESSAGE_TOO_BIG = 1009;
    /** A frame that breaks the WebSocket protocol: reserved bits no extension explains, a stray continuation. */
    public static final short PROTOCOL_ERROR = 1002;
    /** A text frame that is not valid UTF-8. */
    public static final short INVALID_PAYLOAD = 1007;
    /** The service is stopping. */
    public static final short GOING_AWAY = 1001;
    /** Something failed on the server's side. */
    public static final short INTERNAL_ERROR = 1011;
    /** The user's read states cannot be loaded now (Redis unreachable, memory full): reconnect shortly. */
    public static final short TRY_AGAIN_LATER = 1013;

    private CloseCodes()
    {
    }
}

package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Encodes and decodes protocol messages. Thread-safe; create one and share it.
 *
 * <p>Decoding is strict about what matters (a known {@code type}, every required field, field types) and lenient
 * about unknown fields, so a newer client can talk to an older server.
 */
public final class ProtocolCodec {
    /** The longest request id the server echoes back. */
    public static final int MAX_REQUEST_ID_LENGTH = 64;

    private static final byte[] SEQ_PREFIX = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper mapper;

    public ProtocolCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(16)
                        .maxStringLength(1 << 20)
                        .maxNumberLength(32)
                        .build())
                .build();
        mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                // An absent (or null) primitive is optional and takes its default: a ping without ack, a call
                // request without priority. Failing on it refused valid messages, and with the wrong code.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                // A number or boolean where text belongs is the wrong type, not text: {"serviceItem": 42}.
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /** The mapper the codec uses, for callers that serialise their own records the same way (e.g. logs). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Encodes a server message with its sequence number as UTF-8 JSON: {@code {"seq":N,"type":...}}. */
    public byte[] encode(ServerMessage message, long seq) {
        byte[] body = write(message);
        byte[] seqDigits = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        // body is always {"type":...}: splice seq in front of its fields instead of building a tree.
        byte[] out = new byte[SEQ_PREFIX.length + seqDigits.length + 1 + body.length - 1];
        int at = 0;
        System.arraycopy(SEQ_PREFIX, 0, out, at, SEQ_PREFIX.length);
        at += SEQ_PREFIX.length;
        System.arraycopy(seqDigits, 0, out, at, seqDigits.length);
        at += seqDigits.length;
        out[at++] = ',';
        System.arraycopy(body, 1, out, at, body.length - 1);
        return out;
    }

    /** Encodes a client message as UTF-8 JSON. */
    public byte[] encode(ClientMessage message) {
        return write(message);
    }

    /** Decodes a client message, or says precisely what is wrong with it. */
    public ClientMessage decodeClient(byte[] json) throws ProtocolException {
        JsonNode tree = readObject(json);
        String requestId = requestId(tree);
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, requestId, "missing field 'type'");
        }
        try {
            return mapper.treeToValue(tree, ClientMessage.class);
        } catch (InvalidTypeIdException e) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, requestId,
                    "unknown message type '" + abbreviate(type.asText()) + "'");
        } catch (JsonProcessingException e) {
            throw fieldError(e, requestId);
        }
    }

    /** Decodes a server message and its sequence number (for clients). */
    public ServerEnvelope decodeServer(byte[] json) throws ProtocolException {
        JsonNode tree = readObject(json);
        try {
            long seq = tree.path("seq").asLong(-1);
            if (seq < 0) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, null, "missing field 'seq'");
            }
            return new ServerEnvelope(seq, mapper.treeToValue(tree, ServerMessage.class));
        } catch (InvalidTypeIdException e) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, null, e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw fieldError(e, null);
        }
    }

    /** The wire {@code type} of a client message, e.g. {@code call.request}. */
    public static String typeOf(ClientMessage message) {
        return CLIENT_TYPES.get(message.getClass());
    }

    private static final Map<Class<?>, String> CLIENT_TYPES = Arrays.stream(
                    ClientMessage.class.getAnnotation(JsonSubTypes.class).value())
            .collect(Collectors.toUnmodifiableMap(JsonSubTypes.Type::value, JsonSubTypes.Type::name));

    /** A server message with its sequence number. */
    public record ServerEnvelope(long seq, ServerMessage message) {
    }

    private byte[] write(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    private JsonNode readObject(byte[] json) throws ProtocolException {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, null, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_JSON, null, "a message must be a JSON object");
        }
        return tree;
    }

    private static String requestId(JsonNode tree) throws ProtocolException {
        JsonNode id = tree.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual() || id.asText().length() > MAX_REQUEST_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, null,
                    "field 'id' must be a string of at most " + MAX_REQUEST_ID_LENGTH + " characters");
        }
        return id.asText();
    }

    private static ProtocolException fieldError(JsonProcessingException e, String requestId) {
        Throwable cause = e instanceof ValueInstantiationException ? e.getCause() : null;
        if (cause instanceof Fields.FieldException fe) {
            return new ProtocolException(fe.code, requestId, fe.getMessage());
        }
        if (e instanceof MismatchedInputException mie) {
            String path = mie.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("?");
            return new ProtocolException(ErrorCode.INVALID_FIELD, requestId,
                    "field '" + path + "' has the wrong type or value");
        }
        return new ProtocolException(ErrorCode.INVALID_FIELD, requestId, firstLine(e.getOriginalMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}

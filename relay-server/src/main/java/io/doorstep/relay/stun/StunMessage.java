package io.doorstep.relay.stun;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded (or to-be-encoded) STUN message (RFC 8489 §5): class, method, transaction ID and the attributes in
 * wire order. Immutable; holds no buffers, so it needs no release and may cross threads.
 *
 * <p>Attributes may repeat (XOR-PEER-ADDRESS does in CreatePermission); RFC 8489 §14 says only the first of a type
 * counts unless a method says otherwise, hence {@link #first}. A decoded message never contains the attributes
 * RFC 8489 §14.5/§14.6 tells receivers to ignore (those after MESSAGE-INTEGRITY other than
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and those after MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT), so a
 * handler cannot act on an attribute that integrity does not cover.
 */
public record StunMessage(StunClass messageClass, StunMethod method, TransactionId transactionId,
                          List<StunAttribute> attributes) {

    public StunMessage {
        Objects.requireNonNull(messageClass, "messageClass");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(transactionId, "transactionId");
        attributes = List.copyOf(attributes);
    }

    public static StunMessage of(StunClass messageClass, StunMethod method, TransactionId transactionId,
                                 StunAttribute... attributes) {
        return new StunMessage(messageClass, method, transactionId, List.of(attributes));
    }

    /** A request with a fresh random transaction ID. */
    public static StunMessage request(StunMethod method, StunAttribute... attributes) {
        return of(StunClass.REQUEST, method, TransactionId.random(), attributes);
    }

    /** A success response to this request: same method and transaction ID (RFC 8489 §6.3.1.1). */
    public StunMessage successResponse(StunAttribute... attributes) {
        return of(StunClass.SUCCESS_RESPONSE, method, transactionId, attributes);
    }

    /** An error response to this request with ERROR-CODE (standard reason phrase) first, then {@code extra}. */
    public StunMessage errorResponse(int code, StunAttribute... extra) {
        List<StunAttribute> list = new ArrayList<>(extra.length + 1);
        list.add(StunAttribute.ErrorCode.of(code));
        list.addAll(List.of(extra));
        return new StunMessage(StunClass.ERROR_RESPONSE, method, transactionId, list);
    }

    /** The first attribute of a record type, e.g. {@code first(XorPeerAddress.class)}. */
    public <A extends StunAttribute> Optional<A> first(Class<A> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return Optional.of(kind.cast(a));
            }
        }
        return Optional.empty();
    }

    /** The first attribute with a type code, whatever record holds it (an {@link StunAttribute.Unknown} too). */
    public Optional<StunAttribute> first(int type) {
        for (StunAttribute a : attributes) {
            if (a.type() == type) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Every attribute of a record type, in order. */
    public <A extends StunAttribute> List<A> all(Class<A> kind) {
        List<A> found = new ArrayList<>(2);
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                found.add(kind.cast(a));
            }
        }
        return found;
    }

    public boolean has(int type) {
        for (StunAttribute a : attributes) {
            if (a.type() == type) {
                return true;
            }
        }
        return false;
    }

    /**
     * The comprehension-required (0x0000–0x7FFF) types this codec did not recognise, each once, in order: what a
     * server puts in UNKNOWN-ATTRIBUTES of a 420 response to a request (RFC 8489 §6.3.1). Empty when there are
     * none. Note that the codec does recognise every TURN attribute, so a server that does not support, say,
     * EVEN-PORT must add that type itself.
     */
    public List<Integer> unknownComprehensionRequired() {
        List<Integer> types = List.of();
        for (StunAttribute a : attributes) {
            if (a instanceof StunAttribute.Unknown u && AttributeType.isComprehensionRequired(u.type())) {
                if (types.isEmpty()) {
                    types = new ArrayList<>(2);
                }
                if (!types.contains(u.type())) {
                    types.add(u.type());
                }
            }
        }
        return types;
    }

    /** Method and class as RFC text names them, e.g. "ALLOCATE REQUEST": handy in logs. */
    public String describe() {
        return method.name() + " " + messageClass.name().replace('_', ' ');
    }
}

/**
 * The Doorstep media relay: a TURN server (RFC 8489/8656) for call video, and the document relay. Built under the
 * relay and document issues; the signalling server already issues TURN REST API credentials that it will accept.
 */
package io.doorstep.relay;

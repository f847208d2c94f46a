/**
 * The signalling half of the document relay: document tokens for the parties of a connected call, the relay's
 * document events passed on to both parties and into the call log, and print jobs from the agent to the station.
 * Everything here runs on the switchboard thread; the server's {@code InternalEventsHandler} authenticates the relay's
 * posts on a Netty event loop and hands them to the switchboard.
 */
package io.doorstep.signalling.documents;

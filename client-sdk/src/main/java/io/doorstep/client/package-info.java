/**
 * The Doorstep client SDK for station terminals and agent consoles, built on the shared wire protocol
 * ({@code doorstep-protocol}). Built under the SDK issue.
 */
package io.doorstep.client;

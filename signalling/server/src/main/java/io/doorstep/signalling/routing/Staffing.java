package io.doorstep.signalling.routing;

/**
 * How a skill group is staffed right now: agents free to take a call, and agents on duty (signed in, connected and
 * not away: free, ringing, talking or wrapping up). The wait estimate and the dashboards read it.
 */
public record Staffing(int available, int staffed) {
}

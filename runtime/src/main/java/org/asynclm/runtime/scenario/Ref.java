package org.asynclm.runtime.scenario;

/**
 * An argument whose value is copied out of an upstream call's result: {@code pointer} is a JSON Pointer into it
 * ({@code ""} for the whole result). Written in scenario JSON as {@code {"$ref": "a", "path": "/flight_id"}}.
 */
public record Ref(String call, String pointer) {
}

package io.shardkv.cli;

/** Which build this is, from the jar's manifest (written by the shade plugin). */
final class BuildInfo {

    private BuildInfo() {
    }

    /** The project version the jar was built as; {@code dev} when run from classes (tests, an IDE). */
    static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

package org.syshotplug.http.internal;

/**
 * A client error (or a refusal) to answer as an RFC 9457 problem document: status, a short title, a
 * sentence saying what was wrong, and the request field at fault (a JSON pointer-like path such as
 * {@code devices[1]}, or a query parameter name), when one is.
 */
final class ApiProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String title;
    final String field;

    ApiProblem(int status, String title, String detail, String field) {
        super(clean(detail), null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    /**
     * Escapes control and format characters and bounds the length: some API messages quote the
     * caller's input as it came, and a problem document must never carry it raw.
     */
    static String clean(String detail) {
        if (detail == null) {
            return "no detail";
        }
        StringBuilder b = new StringBuilder();
        detail.codePoints().limit(1000).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return detail.codePointCount(0, detail.length()) > 1000 ? b + "..." : b.toString();
    }

    static ApiProblem badField(String field, String detail) {
        return new ApiProblem(400, "Invalid request field", detail, field);
    }

    static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad request", detail, null);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not found", detail, null);
    }

    static ApiProblem methodNotAllowed(String method, String allowed) {
        return new ApiProblem(405, "Method not allowed", method + " is not allowed here; allowed: " + allowed, null);
    }

    static ApiProblem tooLarge(int max) {
        return new ApiProblem(413, "Content too large", "the request body is larger than " + max + " bytes", null);
    }

    String type() {
        return switch (status) {
            case 400 -> field != null ? "urn:syshotplug:problem:invalid-field" : "urn:syshotplug:problem:bad-request";
            case 401 -> "urn:syshotplug:problem:unauthenticated";
            case 403 -> "urn:syshotplug:problem:forbidden";
            case 404 -> "urn:syshotplug:problem:not-found";
            case 405 -> "urn:syshotplug:problem:method-not-allowed";
            case 409 -> "urn:syshotplug:problem:conflict";
            case 413 -> "urn:syshotplug:problem:too-large";
            case 415 -> "urn:syshotplug:problem:unsupported-media-type";
            case 503 -> "urn:syshotplug:problem:unavailable";
            default -> "about:blank";
        };
    }
}

package org.syshotplug.http.internal;

import java.util.Locale;

/** What an authenticated caller may do: a viewer reads, an operator also submits, cancels and patches. */
enum Role {
    VIEWER, OPERATOR;

    static Role parse(String word) {
        for (Role r : values()) {
            if (r.name().toLowerCase(Locale.ROOT).equals(word)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + word + "': expected viewer or operator");
    }

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** GET, HEAD and OPTIONS read; every other method changes something and needs an operator. */
    boolean mayUse(String method) {
        return this == OPERATOR || "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }
}

package org.syshotplug.http.internal;

/** An authenticated caller: the name recorded as the request's principal, and the role. */
record Principal(String name, Role role) {
    static final String ATTRIBUTE = Principal.class.getName();
}

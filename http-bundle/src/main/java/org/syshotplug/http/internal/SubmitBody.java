package org.syshotplug.http.internal;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/requests}: an operation on the listed devices, or on devices a
 * resource handler selects by count or size. Unknown fields are refused.
 *
 * @param id        optional request id (1-64 letters, digits, . _ -); drawn at random when absent
 * @param devices   {@code type:id} strings, e.g. {@code cpu:2}; exclusive with {@code selection}
 * @param selection {@code {"type":"memory","size":"2G"}} or {@code {"type":"cpu","count":2}}
 * @param params    further request parameters ({@code zone}, ...)
 */
record SubmitBody(String id, String operation, List<String> devices, Selection selection, Boolean force, Boolean dryRun,
        Map<String, String> params) {

    record Selection(String type, Integer count, String size) {
    }
}

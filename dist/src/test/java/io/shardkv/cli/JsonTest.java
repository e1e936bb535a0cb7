package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesInOrderWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a \"quoted\"\n\\ line");
        m.put("n", 3);
        m.put("x", 1.5);
        m.put("whole", 2.0);
        m.put("nan", Double.NaN);
        m.put("list", List.of(true, "s"));
        m.put("none", null);
        assertEquals("{\"name\":\"a \\\"quoted\\\"\\n\\\\ line\",\"n\":3,\"x\":1.5,\"whole\":2,\"nan\":null,"
                + "\"list\":[true,\"s\"],\"none\":null}", Json.write(m));
    }
}

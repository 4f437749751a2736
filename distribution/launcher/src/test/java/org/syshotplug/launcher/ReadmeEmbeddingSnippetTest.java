package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example in the root README compiles exactly as printed, against the launcher and the API. */
class ReadmeEmbeddingSnippetTest {

    @Test
    void readmeEmbeddingExampleCompiles(@TempDir Path classes) throws Exception {
        String readme = Files.readString(Path.of("..", "..", "README.md"));
        Matcher java = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(java.find(), "README.md has no ```java block");
        String source = java.group(1);
        Matcher name = Pattern.compile("public (?:final )?class (\\w+)").matcher(source);
        assertTrue(name.find(), "the README's example is not a whole class:\n" + source);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name.group(1) + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringWriter diagnostics = new StringWriter();
        boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), "-Xlint:none"),
                null, List.of(file)).call();

        assertTrue(ok, "the README's embedding example does not compile:\n" + diagnostics);
        assertEquals(true, Files.exists(classes.resolve(name.group(1) + ".class")));
    }
}

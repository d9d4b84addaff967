package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.PlatformDependent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the training run copies out of a jar for {@code java.library.path}: Netty's libraries for this machine only. */
class NativeLibrariesTest {

    @Test
    void copiesNettysLibrariesForThisArchitectureAndNothingElse(@TempDir Path tmp) throws Exception {
        String arch = PlatformDependent.normalizedArch();
        String other = arch.equals("x86_64") ? "aarch_64" : "x86_64";
        Path jar = tmp.resolve("sidecar.jar");
        List<String> entries = List.of(
                "META-INF/native/libnetty_transport_native_io_uring42_" + arch + ".so", // copied
                "META-INF/native/libnetty_transport_native_epoll_" + arch + ".so", // copied
                "META-INF/native/libnetty_transport_native_epoll_" + other + ".so", // another machine's
                "META-INF/native/liborg_apache_ratis_thirdparty_netty_transport_native_epoll_" + arch + ".so", // Ratis'
                "META-INF/native/libnetty_transport_native_kqueue_" + arch + ".jnilib", // another system's
                "META-INF/native/nested/libnetty_x_" + arch + ".so",
                "dev/gossamer/Some.class");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.write(e.getBytes(StandardCharsets.UTF_8)); // each entry's content is its own name
                out.closeEntry();
            }
        }

        List<Path> copied = NativeLibraries.extract(jar, tmp.resolve("natives"));

        assertThat(copied).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
                "libnetty_transport_native_io_uring42_" + arch + ".so",
                "libnetty_transport_native_epoll_" + arch + ".so");
        for (Path p : copied) {
            assertThat(Files.readString(p)).isEqualTo("META-INF/native/" + p.getFileName());
        }
        try (var dir = Files.list(tmp.resolve("natives"))) {
            assertThat(dir).hasSize(2);
        }
    }

    @Test
    void theTestsClassesComeFromADirectoryNotAJar() {
        assertThat(NativeLibraries.ownJar()).isNull(); // target/classes: the training's --natives refuses, exit 1
        assertThat(Main.execute("train", "--natives", "ignored", "--requests", "1", "--connections", "1")).isEqualTo(1);
    }
}

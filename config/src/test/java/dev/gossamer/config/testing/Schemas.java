package dev.gossamer.config.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.gossamer.config.DocumentKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** The shipped JSON Schemas as an editor applies them, for tests that keep schema and validator in agreement. */
public final class Schemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Schemas() {
    }

    /** The schema's messages for {@code yaml}; empty when it conforms. */
    public static List<String> validate(DocumentKind kind, String yaml) throws IOException {
        Object data = new Load(LoadSettings.builder().setSchema(new CoreSchema()).build()).loadFromString(yaml);
        JsonNode json = JSON.valueToTree(data);
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson(kind));
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : schema.validate(json)) {
            out.add(m.getMessage());
        }
        return out;
    }

    /** The schema of {@code kind} as JSON. */
    public static JsonNode schemaJson(DocumentKind kind) throws IOException {
        String name = "/schema/" + (kind == DocumentKind.SIDECAR ? "sidecar" : "mesh") + ".schema.json";
        try (InputStream in = Schemas.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return JSON.readTree(in);
        }
    }

}

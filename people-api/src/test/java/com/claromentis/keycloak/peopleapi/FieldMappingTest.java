package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claromentis.keycloak.peopleapi.FieldMapping.Field;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class FieldMappingTest extends MockServerSupport {

    @Test
    void defaultsFollowTheDocumentedContract() {
        FieldMapping m = FieldMapping.defaults();
        assertThat(m.json(Field.FIRST_NAME)).isEqualTo("firstname");
        assertThat(m.json(Field.JOB_TITLE)).isEqualTo("job_title");
        assertThat(m.json(Field.OFFICE)).isEqualTo("office");
        assertThat(m.json(Field.MANAGER_URL)).isEqualTo("manager_url");
        assertThat(m.json(Field.EXTERNAL_ID)).isEqualTo("external_id");
        assertThat(m.asMap()).hasSize(Field.values().length);
    }

    @Test
    void parsesOverridesSkippingBlanksAndComments() {
        FieldMapping m = FieldMapping.parse(List.of("# deployment X", "", " firstName = first_name ",
                "JOBTITLE=title", "office=location"));
        assertThat(m.json(Field.FIRST_NAME)).isEqualTo("first_name");
        assertThat(m.json(Field.JOB_TITLE)).isEqualTo("title");
        assertThat(m.json(Field.OFFICE)).isEqualTo("location");
        assertThat(m.json(Field.SURNAME)).isEqualTo("surname");
        assertThat(FieldMapping.parse(null)).isSameAs(FieldMapping.defaults());
    }

    @Test
    void refusesBadLines() {
        assertThatThrownBy(() -> FieldMapping.parse(List.of("nickname=nick")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown field 'nickname'")
                .hasMessageContaining("firstName");
        assertThatThrownBy(() -> FieldMapping.parse(List.of("firstName")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not key=jsonName");
        assertThatThrownBy(() -> FieldMapping.parse(List.of("firstName=")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldMapping.parse(List.of("firstName=a b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldMapping.parse(List.of("firstName=x", "firstName=y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
        assertThatThrownBy(() -> FieldMapping.parse(List.of("firstName=surname")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both map to");
    }

    @Test
    void clientReadsAndWritesTheMappedNames() throws Exception {
        FieldMapping m = FieldMapping.parse(List.of("firstName=given_name", "office=location"));
        PeopleApiClient client = PeopleApiClient.create(config(RetryPolicy.none()).fieldMapping(m).build());
        server.enqueue(json(200, "{\"id\":1,\"username\":\"jdoe\",\"given_name\":\"Jane\",\"firstname\":\"wrong\","
                + "\"location\":\"Leeds\"}"));
        ClaromentisUser u = client.getUser(1).orElseThrow();
        assertThat(u.firstName()).isEqualTo("Jane");
        assertThat(u.officeLocation()).isEqualTo("Leeds");

        server.enqueue(json(201, "{\"id\":2,\"username\":\"bob\"}"));
        client.createUser(ClaromentisUser.builder("bob").firstName("Bob").officeLocation("Remote").build());
        server.takeRequest();
        RecordedRequest post = server.takeRequest();
        assertThat(post.getBody().utf8()).contains("\"given_name\":\"Bob\"").contains("\"location\":\"Remote\"")
                .doesNotContain("firstname");
    }
}

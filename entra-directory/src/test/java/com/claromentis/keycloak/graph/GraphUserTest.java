package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.graph.GraphUser.Field;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("An Entra user as Graph lists it")
class GraphUserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "0b9f2c1e-1111-4a2b-8c3d-1234567890ab";
    private static final String MANAGER = "5c8e7d6f-2222-4a2b-8c3d-1234567890ab";

    private static GraphUser read(String json) {
        try {
            JsonNode node = JSON.readTree(json.replace('\'', '"'));
            return GraphUser.of(node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    @DisplayName("given a full listing's item")
    class Listing {

        @Test
        @DisplayName("then every field is read, the username and email in lower case, the phone from businessPhones")
        void fields() {
            GraphUser user = read("{'id':'" + ID.toUpperCase() + "','userPrincipalName':'Alice@Contoso.example','givenName':'Alice',"
                    + "'surname':'Archer','mail':'Alice@Contoso.example','jobTitle':'Head of IT','officeLocation':'London',"
                    + "'department':'IT','employeeId':'E-1','businessPhones':['+44 1'],'mobilePhone':'+44 2',"
                    + "'accountEnabled':true,'userType':'Member','manager':{'id':'" + MANAGER + "'}}");

            assertThat(user.id()).isEqualTo(ID);
            assertThat(user.problem()).isNull();
            assertThat(user.username()).isEqualTo("alice@contoso.example");
            assertThat(user.get(Field.EMAIL)).isEqualTo("alice@contoso.example");
            assertThat(user.get(Field.PHONE)).isEqualTo("+44 1");
            assertThat(user.get(Field.MANAGER)).isEqualTo(MANAGER);
            assertThat(user.get(Field.ENABLED)).isEqualTo("true");
            assertThat(user.guest()).isFalse();
        }

        @Test
        @DisplayName("then the mobile phone stands in when there is no business phone")
        void mobile() {
            GraphUser user = read("{'id':'" + ID + "','businessPhones':[],'mobilePhone':'+44 2'}");

            assertThat(user.get(Field.PHONE)).isEqualTo("+44 2");
        }

        @Test
        @DisplayName("then a guest is told apart by userType")
        void guest() {
            assertThat(read("{'id':'" + ID + "','userType':'Guest'}").guest()).isTrue();
            assertThat(read("{'id':'" + ID + "'}").guest()).as("a delta item that does not give the type").isFalse();
        }
    }

    @Nested
    @DisplayName("given a delta item")
    class Delta {

        @Test
        @DisplayName("then only the properties it carries count as changed, null ones as cleared")
        void partial() {
            GraphUser change = read("{'id':'" + ID + "','jobTitle':null,'department':'Design'}");

            assertThat(change.has(Field.JOB_TITLE)).isTrue();
            assertThat(change.get(Field.JOB_TITLE)).isNull();
            assertThat(change.has(Field.FIRST_NAME)).isFalse();
            assertThat(change.get(Field.DEPARTMENT)).isEqualTo("Design");
        }

        @Test
        @DisplayName("then manager@delta sets the manager, and an empty or removed entry clears it")
        void managerDelta() {
            assertThat(read("{'id':'" + ID + "','manager@delta':[{'id':'" + MANAGER + "'}]}").get(Field.MANAGER)).isEqualTo(MANAGER);
            GraphUser cleared = read("{'id':'" + ID + "','manager@delta':[{'id':'" + MANAGER + "','@removed':{}}]}");
            assertThat(cleared.has(Field.MANAGER)).isTrue();
            assertThat(cleared.get(Field.MANAGER)).isNull();
        }

        @Test
        @DisplayName("then @removed marks a removal and two items for one user merge, the later winning")
        void removedAndMerged() {
            assertThat(read("{'id':'" + ID + "','@removed':{'reason':'deleted'}}").removed()).isTrue();
            GraphUser merged = read("{'id':'" + ID + "','jobTitle':'A','department':'X'}")
                    .with(read("{'id':'" + ID + "','jobTitle':'B'}"));
            assertThat(merged.get(Field.JOB_TITLE)).isEqualTo("B");
            assertThat(merged.get(Field.DEPARTMENT)).isEqualTo("X");
        }
    }

    @Nested
    @DisplayName("given hostile values")
    class Hostile {

        @ParameterizedTest(name = "id {0}")
        @ValueSource(strings = {"'not-a-guid'", "42", "null", "'../../admin'", "'" + ID + "\\n'"})
        @DisplayName("then an item without an object ID makes the page malformed")
        void badId(String id) {
            assertThatThrownBy(() -> read("{'id':" + id + "}")).isInstanceOf(GraphException.class)
                    .extracting(e -> ((GraphException) e).kind()).isEqualTo(GraphException.Kind.MALFORMED);
        }

        @Test
        @DisplayName("then control characters, over-long values, non-text values and a bad email are problems that name the field")
        void problems() {
            assertThat(read("{'id':'" + ID + "','jobTitle':'Admin\\r\\nSet-Cookie: x'}").problem()).contains("jobTitle");
            assertThat(read("{'id':'" + ID + "','surname':'" + "x".repeat(256) + "'}").problem()).contains("surname");
            assertThat(read("{'id':'" + ID + "','givenName':{'a':1}}").problem()).contains("givenName");
            assertThat(read("{'id':'" + ID + "','mail':'not an email'}").problem()).contains("mail");
            assertThat(read("{'id':'" + ID + "','userPrincipalName':'  '}").problem()).contains("userPrincipalName");
            assertThat(read("{'id':'" + ID + "','accountEnabled':'yes'}").problem()).contains("accountEnabled");
            assertThat(read("{'id':'" + ID + "','manager':{'id':'nope'}}").problem()).contains("manager");
            assertThat(read("{'id':'" + ID + "','businessPhones':'+44'}").problem()).contains("businessPhones");
        }
    }
}

package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** An error answered with Marathon's (or Chronos') status code and JSON body. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final transient Object body;

    ApiException(int status, Object body) {
        super(String.valueOf(body), null, false, false);
        this.status = status;
        this.body = body;
    }

    static ApiException message(int status, String message) {
        return new ApiException(status, new JsonObject().put("message", message));
    }

    static ApiException notFound(String appId) {
        return message(404, "App '" + appId + "' does not exist");
    }

    /** 400 {"message":"Invalid JSON","details":[{"path","errors"}]}, as Marathon's JSON reader answers. */
    static ApiException invalidJson(String path, String error) {
        return new ApiException(400, new JsonObject().put("message", "Invalid JSON").put("details",
                new JsonArray().add(new JsonObject().put("path", path).put("errors", new JsonArray().add(error)))));
    }

    /** 422 {"message":"Object is not valid","details":[…]}. */
    static ApiException notValid(JsonArray details) {
        return new ApiException(422, new JsonObject().put("message", "Object is not valid").put("details", details));
    }
}

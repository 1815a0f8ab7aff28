/* test_proto.c — POST /function through proto_handle(), against the conformance module
 * (build/protocol-modules/conformance.so, loaded with registry_load from $HS_MODULES_DIR).
 *
 * The table holds every case of docs/protocol.md §4 that is not about transport (R1-R8, H1-H2,
 * I1-I3, S1-S3, U1-U2, W1-W2, D1-D7, D12-D14; R9 and the nesting cases are written out below) and
 * the semantics of docs/json-fidelity.md §6-§8: the maxResponseSize coercions, `type` coercions,
 * options forms, hasOwnProperty, dates, connector ids, token sources, Content-Type / charset /
 * encoding. Each expected status and body was taken from the reference server
 * (express-integrator-extension 0.3.2: 127.0.0.1:7000 DIY, 7001 connectors) with the same request;
 * rows marked `deviation` are where the reference answers an HTML page (400/415/500) or never
 * answers, and assert our documented JSON answer instead (see runner/proto.c). MODE_DIY loads the
 * module for DIY and the two connector ids; MODE_CONN with no_diy (the reference's connectors
 * mode). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "arena.h"
#include "json.h"
#include "proto.h"
#include "registry.h"

#define TOKEN  "INTEGRATOR_EXTENSION_SYSTEM_TOKEN"
#define ABSENT ((const char *)1) /* header not sent (NULL: the default value) */

enum mode { MODE_DIY, MODE_CONN };

struct pcase {
    const char *name;
    enum mode mode;
    const char *auth;  /* NULL: "Bearer " TOKEN */
    const char *query; /* NULL: none */
    const char *ctype; /* NULL: application/json */
    const char *cenc;  /* NULL: none */
    bool deviation;    /* expected bytes are ours, not the reference's (HTML there) */
    const char *body;
    size_t body_len;
    int status;
    const char *expect; /* exact body */
};

static const struct pcase cases[] = {
    {"R1 no function", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"options\":{\"key1\":[\"abc\"],\"key2\":{"
     "\"k\":\"v\"},\"_importId\":\"56eae39e9a016a71a8a9c7e4\",\"bearerToken"
     "\":\"ott873f2beed978433997c42b4e5af05d9b\"}}",
     161, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Missi"
     "ng required field function in the extension options.\"}]}"},
    {"R2 no options", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\"}", 51, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Funct"
     "ion options haven't been provided.\"}]}"},
    {"R3 neither diy nor _connectorId", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\"key1\":[\""
     "abc\"],\"key2\":{\"k\":\"v\"},\"_importId\":\"56eae39e9a016a71a8a9c7e4"
     "\",\"bearerToken\":\"ott873f2beed978433997c42b4e5af05d9b\"}}",
     175, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"}]}"},
    {"R4 diy not configured", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"type\":\"hook\",\"diy\":true,\"function\":\"doSomething\",\"options\""
     ":{\"key1\":[\"abc\"],\"key2\":{\"k\":\"v\"},\"_importId\":\"56eae39e9a016"
     "a71a8a9c7e4\",\"bearerToken\":\"ott873f2beed978433997c42b4e5af05"
     "d9b\"}}",
     186, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"DIY i"
     "s not configured in the extension configuration.\"}]}"},
    {"R5 connectorId misspelt", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"type\":\"installer\",\"diy\":false,\"connectorId\":\"12ege39f7a016"
     "v72a8b9c79q\",\"function\":\"doSomething\",\"options\":{\"key1\":[\"ab"
     "c\"],\"key2\":{\"k\":\"v\"},\"_importId\":\"56eae39e9a016a71a8a9c7e4\","
     "\"bearerToken\":\"ott873f2beed978433997c42b4e5af05d9b\"}}",
     233, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"}]}"},
    {"R6 bad token", MODE_DIY, "Bearer BAD_INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, NULL,
     false,
     "{\"diy\":true,\"type\":\"installer\",\"function\":\"runInstallerSucce"
     "ssStep\",\"options\":{\"key\":\"value\",\"bearerToken\":\"ott\",\"_integ"
     "rationId\":\"56eae39e9a016a71a8a9c7e4\"}}",
     158, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"R7 size exceeded", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":2,\"options\":{\"resp\":[\"abc\",\"abc\"],\"bearerToken\":\"o"
     "tt\"}}",
     125, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 2 b"
     "ytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"R8 not serializable", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"respondWithNonSeariali"
     "zableObject\",\"maxResponseSize\":2000,\"options\":{\"key1\":[\"abc\""
     "],\"bearerToken\":\"ott\"}}",
     143, 422,
     "{\"errors\":[{\"message\":\"Extension response is not serializabl"
     "e.\",\"code\":\"invalid_extension_response\"}]}"},
    {"H1 doSomething", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"maxRespo"
     "nseSize\":2000,\"options\":{\"key1\":[\"abc\"],\"key2\":{\"k\":\"v\"},\"be"
     "arerToken\":\"TEST_INTEGRATOR_EXTENSION_BEARER_TOKEN\",\"_import"
     "Id\":\"_importId\"}}",
     197, 200,
     "[{\"key1\":[\"abc\"],\"key2\":{\"k\":\"v\"},\"bearerToken\":\"TEST_INTEGR"
     "ATOR_EXTENSION_BEARER_TOKEN\",\"_importId\":\"_importId\",\"functi"
     "on\":\"doSomething\"}]"},
    {"H2 doSomethingError", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomethingError\",\"max"
     "ResponseSize\":2000,\"options\":{\"key1\":[\"abc\"],\"key2\":{\"k\":\"v\""
     "},\"bearerToken\":\"TEST_INTEGRATOR_EXTENSION_BEARER_TOKEN\",\"_i"
     "mportId\":\"_importId\"}}",
     202, 422,
     "{\"errors\":[{\"message\":\"doSomethingError\",\"code\":\"my_error\"}]"
     "}"},
    {"I1 runInstallerSuccessStep", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf1\",\"type\":\"i"
     "nstaller\",\"function\":\"runInstallerSuccessStep\",\"options\":{\"k"
     "ey1\":\"value1\",\"key2\":\"value1\",\"bearerToken\":\"ott\",\"_integrat"
     "ionId\":\"_integrationId\"}}",
     205, 200,
     "{\"key1\":\"value1\",\"key2\":\"value1\",\"bearerToken\":\"ott\",\"_integ"
     "rationId\":\"_integrationId\",\"function\":\"runInstallerSuccessSt"
     "ep\"}"},
    {"I2 connectorInstallerFunction", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf1\",\"type\":\"i"
     "nstaller\",\"function\":\"connectorInstallerFunction\",\"options\":"
     "{\"key\":\"value\",\"bearerToken\":\"ott\",\"_integrationId\":\"_integr"
     "ationId\"}}",
     190, 200,
     "{\"key\":\"value\",\"bearerToken\":\"ott\",\"_integrationId\":\"_integr"
     "ationId\",\"function\":\"connectorInstallerFunction\"}"},
    {"I3 runInstallerErrorStep", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf1\",\"type\":\"i"
     "nstaller\",\"function\":\"runInstallerErrorStep\",\"options\":{\"key"
     "\":\"value\",\"bearerToken\":\"ott\"}}",
     151, 422,
     "{\"errors\":[{\"message\":\"runInstallerErrorStep\",\"code\":\"Error\""
     "}]}"},
    {"S1 persistSettings error", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"diy\":false,\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf"
     "1\",\"type\":\"setting\",\"function\":\"persistSettings\",\"options\":{"
     "\"error\":true,\"bearerToken\":\"ott\"}}",
     154, 422, "{\"errors\":[{\"message\":\"persistSettings\",\"code\":\"Error\"}]}"},
    {"S2 persistSettings", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"diy\":false,\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf"
     "1\",\"type\":\"setting\",\"function\":\"persistSettings\",\"options\":{"
     "\"pending\":{\"fieldOne\":\"oldValue\",\"fieldTwo\":\"newValue\"},\"bea"
     "rerToken\":\"ott\"}}",
     197, 200,
     "{\"pending\":{\"fieldOne\":\"oldValue\",\"fieldTwo\":\"newValue\"},\"be"
     "arerToken\":\"ott\",\"function\":\"persistSettings\"}"},
    {"S3 refreshMetadata", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"diy\":false,\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf"
     "1\",\"type\":\"setting\",\"function\":\"refreshMetadata\",\"options\":{"
     "\"key\":\"value\",\"bearerToken\":\"ott\"}}",
     155, 200,
     "{\"key\":\"value\",\"bearerToken\":\"ott\",\"function\":\"refreshMetada"
     "ta\"}"},
    {"U1 myUtility error", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"diy\":false,\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf"
     "1\",\"type\":\"utility\",\"function\":\"myUtility\",\"options\":{\"error"
     "\":true,\"bearerToken\":\"ott\"}}",
     148, 422, "{\"errors\":[{\"message\":\"myUtility error\",\"code\":\"Error\"}]}"},
    {"U2 myUtility", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"diy\":false,\"_connectorId\":\"9ce44f88a25272b6d9cbb430ebbcfcf"
     "1\",\"type\":\"utility\",\"function\":\"myUtility\",\"options\":{\"a\":\"b"
     "\",\"bearerToken\":\"ott\"}}",
     143, 200, "{\"a\":\"b\",\"bearerToken\":\"ott\",\"function\":\"myUtility\"}"},
    {"W1 importOptions", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"importOptions\",\"max"
     "ResponseSize\":2000,\"options\":{\"connection\":{\"_id\":\"c1\"},\"bea"
     "rerToken\":\"ott\"}}",
     137, 200,
     "[{\"statusCode\":200,\"id\":{\"connection\":{\"_id\":\"c1\"},\"bearerTo"
     "ken\":\"ott\"}}]"},
    {"W2 pingError", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"pingError\",\"maxResp"
     "onseSize\":2000,\"options\":{\"a\":1}}",
     93, 422, "{\"errors\":[{\"message\":\"pingMessage\",\"code\":\"pingCode\"}]}"},
    {"D1 group missing", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"nothere\",\"function\":\"x\",\"options\":{}}", 57, 422,
     "{\"errors\":[{\"message\":\"The object nothere doesn't exist in t"
     "he module.\",\"code\":\"object_not_found\"}]}"},
    {"D2 function not a string", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":5,\"options\":{}}", 52, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The function f"
     "ield in the extension options must be of type string.\"}]}"},
    {"D3 function missing from group", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"nothere\",\"options\":{}}", 60, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"D4 empty object", MODE_DIY, NULL, NULL, NULL, NULL, false, "{}", 2, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"D5 unknown connector", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"nope\",\"type\":\"hook\",\"function\":\"doSomething"
     "\",\"options\":{}}",
     75, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The _connector"
     "Id set in the extension options does't match any of the _con"
     "nectorId's present in extension configuration.\"}]}"},
    {"D6 Basic scheme, body token ignored", MODE_DIY, "Basic xxx", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1},\"access_token\":\"INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"}",
     120, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"D6 Bearer with 3 parts, body token ignored", MODE_DIY,
     "Bearer INTEGRATOR_EXTENSION_SYSTEM_TOKEN x", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1},\"access_token\":\"INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"}",
     120, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"D7 body access_token", MODE_DIY, ABSENT, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1},\"access_token\":\"INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"}",
     120, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"D7 query access_token", MODE_DIY, ABSENT, "access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN",
     NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"D12 invalid JSON", MODE_DIY, NULL, NULL, NULL, NULL, true, "{\"diy\":true,", 12, 400,
     "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: u"
     "nexpected end of input at line 1 column 13\"}]}"},
    {"D13 no type: top level has no functions", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"function\":\"doSomething\",\"options\":{}}", 50, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"D14 date echoed as ISO", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\"}}",
     119, 200, "[{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\"}]"},
    {"size limit 56", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":56,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     149, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit 57", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":57,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     149, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit \"3\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"3\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     150, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 3 b"
     "ytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \" 5 \"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\" 5 \",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of  5 "
     " bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \"0x10\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"0x10\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     153, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 0x1"
     "0 bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \"1e1\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"1e1\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 1e1"
     " bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit true", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":true,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     151, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of tru"
     "e bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit [5]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":[5],\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     150, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 5 b"
     "ytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \"abc\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"abc\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit [1,2]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":[1,2],\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit {}", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":{},\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     149, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit 1e+21", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":1e+21,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit 0", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":0,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     148, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit \"\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     149, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit null", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":null,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     151, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit false", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":false,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit -1", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":-1,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     149, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of -1 "
     "bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \"Infinity\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"Infinity\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     157, 200, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""},
    {"size limit \"0b11\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"0b11\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     153, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 0b1"
     "1 bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit [[20]]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":[[20]],\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     153, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 20 "
     "bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \"+5\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\"+5\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     151, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of +5 "
     "bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit \".5e1\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":\".5e1\",\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     153, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of .5e"
     "1 bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit 1.5", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":1.5,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     150, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 1.5"
     " bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size limit 1e-07", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":1e-07,\"options\":{\"resp\":\"xxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
     152, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 1e-"
     "7 bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size: u-umlaut counts 1 (3 fits)", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":3,\"options\":{\"resp\":\"\303\274\"}}",
     96, 200, "\"\303\274\""},
    {"size: u-umlaut string is 3 long", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":2,\"options\":{\"resp\":\"\303\274\"}}",
     96, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 2 b"
     "ytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size: emoji counts 2 (4 fits)", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":4,\"options\":{\"resp\":\"\360\237\230\200\"}}",
     98, 200, "\"\360\237\230\200\""},
    {"size: emoji string is 4 long", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":3,\"options\":{\"resp\":\"\360\237\230\200\"}}",
     98, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of 3 b"
     "ytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size: negative limit, no value", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":-1,\"options\":{}}",
     86, 422,
     "{\"errors\":[{\"message\":\"response stream exceeded limit of -1 "
     "bytes.\",\"code\":\"response_size_exceeded\"}]}"},
    {"size: own toString throws", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"maxResp"
     "onseSize\":{\"toString\":1},\"options\":{\"resp\":1}}",
     106, 500,
     "{\"errors\":[{\"message\":\"Cannot convert object to primitive va"
     "lue\",\"code\":\"TypeError\"}]}"},
    {"echo null", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options"
     "\":{\"resp\":null}}",
     76, 200, "null"},
    {"echo nothing", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options"
     "\":{}}",
     65, 200, ""},
    {"type \"hooks\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hooks\",\"function\":\"doSomething\",\"options"
     "\":{\"a\":1}}",
     70, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"type [\"hooks\"]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":[\"hooks\"],\"function\":\"doSomething\",\"optio"
     "ns\":{\"a\":1}}",
     72, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"type \"\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"\",\"function\":\"doSomething\",\"options\":{\"a"
     "\":1}}",
     65, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type null", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":null,\"function\":\"doSomething\",\"options\":{"
     "\"a\":1}}",
     67, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type 0", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":0,\"function\":\"doSomething\",\"options\":{\"a\""
     ":1}}",
     64, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type \"constructor\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"constructor\",\"function\":\"doSomething\",\"o"
     "ptions\":{\"a\":1}}",
     76, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type \"__proto__\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"__proto__\",\"function\":\"doSomething\",\"opt"
     "ions\":{\"a\":1}}",
     74, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type 1e+21", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":1e+21,\"function\":\"doSomething\",\"options\":"
     "{\"a\":1}}",
     68, 422,
     "{\"errors\":[{\"message\":\"The object 1e+21 doesn't exist in the"
     " module.\",\"code\":\"object_not_found\"}]}"},
    {"type [1,[2,null]]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":[1,[2,null]],\"function\":\"doSomething\",\"op"
     "tions\":{\"a\":1}}",
     75, 422,
     "{\"errors\":[{\"message\":\"The object 1,2, doesn't exist in the "
     "module.\",\"code\":\"object_not_found\"}]}"},
    {"type {}", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":{},\"function\":\"doSomething\",\"options\":{\"a"
     "\":1}}",
     65, 422,
     "{\"errors\":[{\"message\":\"The object [object Object] doesn't ex"
     "ist in the module.\",\"code\":\"object_not_found\"}]}"},
    {"type true", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":true,\"function\":\"doSomething\",\"options\":{"
     "\"a\":1}}",
     67, 422,
     "{\"errors\":[{\"message\":\"The object true doesn't exist in the "
     "module.\",\"code\":\"object_not_found\"}]}"},
    {"type [\"hook\"]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":[\"hook\"],\"function\":\"doSomething\",\"option"
     "s\":{\"a\":1}}",
     71, 422,
     "{\"errors\":[{\"message\":\"The object hook doesn't exist in the "
     "module.\",\"code\":\"object_not_found\"}]}"},
    {"type \"toString\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"toString\",\"function\":\"doSomething\",\"opti"
     "ons\":{\"a\":1}}",
     73, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type \"installer\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"installer\",\"function\":\"doSomething\",\"opt"
     "ions\":{\"a\":1}}",
     74, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"type \"HOOK\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"HOOK\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"message\":\"The object HOOK doesn't exist in the "
     "module.\",\"code\":\"object_not_found\"}]}"},
    {"type []", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":[],\"function\":\"doSomething\",\"options\":{\"a"
     "\":1}}",
     65, 422,
     "{\"errors\":[{\"message\":\"The object  doesn't exist in the modu"
     "le.\",\"code\":\"object_not_found\"}]}"},
    {"type own toString throws", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":{\"toString\":1},\"function\":\"doSomething\",\""
     "options\":{\"a\":1}}",
     77, 500,
     "{\"errors\":[{\"message\":\"Cannot convert object to primitive va"
     "lue\",\"code\":\"TypeError\"}]}"},
    {"options []", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":[]}",
     64, 200, "[[]]"},
    {"options [1,{\"a\":2}]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":[1,{\"a\":2}]}",
     73, 200, "[[1,{\"a\":2}]]"},
    {"options 0", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":0}",
     63, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Funct"
     "ion options haven't been provided.\"}]}"},
    {"options \"\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":\"\"}",
     64, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Funct"
     "ion options haven't been provided.\"}]}"},
    {"options false", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":false}",
     67, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Funct"
     "ion options haven't been provided.\"}]}"},
    {"options null", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":null}",
     66, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Funct"
     "ion options haven't been provided.\"}]}"},
    {"options {\"hasOwnProperty\":1}", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"hasOwnProperty\":1}}",
     82, 422,
     "{\"errors\":[{\"message\":\"Extension response is not serializabl"
     "e.\",\"code\":\"invalid_extension_response\"}]}"},
    {"options {\"a\":{\"b\":[{\"hasOwnProperty\":null}]}}", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":{\"b\":[{\"hasOwnProperty\":null}]}}}",
     99, 422,
     "{\"errors\":[{\"message\":\"Extension response is not serializabl"
     "e.\",\"code\":\"invalid_extension_response\"}]}"},
    {"options \"abc\" (TypeError)", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":\"abc\"}",
     67, 500,
     "{\"errors\":[{\"message\":\"Cannot create property 'function' on "
     "string 'abc'\",\"code\":\"TypeError\"}]}"},
    {"echoResponse options \"abc\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options"
     "\":\"abc\"}",
     68, 200, ""},
    {"importOptions options \"abc\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"importOptions\",\"opt"
     "ions\":\"abc\"}",
     72, 200, "[{\"statusCode\":200,\"id\":\"abc\"}]"},
    {"options 5 (TypeError)", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":5}",
     63, 500,
     "{\"errors\":[{\"message\":\"Cannot create property 'function' on "
     "number '5'\",\"code\":\"TypeError\"}]}"},
    {"echoResponse options 5", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options"
     "\":5}",
     64, 200, ""},
    {"importOptions options 5", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"importOptions\",\"opt"
     "ions\":5}",
     68, 200, "[{\"statusCode\":200,\"id\":5}]"},
    {"options true (TypeError)", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":true}",
     66, 500,
     "{\"errors\":[{\"message\":\"Cannot create property 'function' on "
     "boolean 'true'\",\"code\":\"TypeError\"}]}"},
    {"echoResponse options true", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options"
     "\":true}",
     67, 200, ""},
    {"importOptions options true", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"importOptions\",\"opt"
     "ions\":true}",
     71, 200, "[{\"statusCode\":200,\"id\":true}]"},
    {"stringifyDateObject {\"valueOf\":1} (RangeError)", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":{\"valueOf\":1}}}",
     106, 500,
     "{\"errors\":[{\"message\":\"Invalid time value\",\"code\":\"RangeErro"
     "r\"}]}"},
    {"stringifyDateObject \"2019-01-01T00:00:00Z\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"2019-01-01T00:00:00Z\",\"curre"
     "ntExportDateTime\":\"2020-02-02\"}}",
     152, 200,
     "[{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject 1546300800000", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":1546300800000,\"currentExportD"
     "ateTime\":\"2020-02-02\"}}",
     143, 200,
     "[{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject true", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":true,\"currentExportDateTime\":"
     "\"2020-02-02\"}}",
     134, 200,
     "[{\"lastExportDateTime\":\"1970-01-01T00:00:00.001Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject [2019]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":[2019],\"currentExportDateTime"
     "\":\"2020-02-02\"}}",
     136, 200,
     "[{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject \"Jan 1 2019\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"Jan 1 2019\",\"currentExportDa"
     "teTime\":\"2020-02-02\"}}",
     142, 200,
     "[{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject \"12\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"12\",\"currentExportDateTime\":"
     "\"2020-02-02\"}}",
     134, 200,
     "[{\"lastExportDateTime\":\"2001-12-01T00:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject \"2019-01-01 10:00:00\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"2019-01-01 10:00:00\",\"curren"
     "tExportDateTime\":\"2020-02-02\"}}",
     151, 200,
     "[{\"lastExportDateTime\":\"2019-01-01T10:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject \"Tue, 01 Jan 2019 00:00:00 GMT\"", MODE_DIY, NULL, NULL, NULL, NULL,
     false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"Tue, 01 Jan 2019 00:00:00 GM"
     "T\",\"currentExportDateTime\":\"2020-02-02\"}}",
     161, 200,
     "[{\"lastExportDateTime\":\"2019-01-01T00:00:00.000Z\",\"currentEx"
     "portDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject \"+275760-09-13T00:00:00.000Z\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"+275760-09-13T00:00:00.000Z\""
     ",\"currentExportDateTime\":\"2020-02-02\"}}",
     159, 200,
     "[{\"lastExportDateTime\":\"+275760-09-13T00:00:00.000Z\",\"curren"
     "tExportDateTime\":\"2020-02-02T00:00:00.000Z\"}]"},
    {"stringifyDateObject invalid date (RangeError)", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":\"garbage\"}}",
     102, 500,
     "{\"errors\":[{\"message\":\"Invalid time value\",\"code\":\"RangeErro"
     "r\"}]}"},
    {"date own toString (TypeError caught)", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"stringifyDateObject\",\""
     "options\":{\"lastExportDateTime\":{\"toString\":1}}}",
     107, 422,
     "{\"errors\":[{\"message\":\"Cannot convert object to primitive va"
     "lue\"}]}"},
    {"doSomething with a date: not serializable", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"currentExportDateTime\":\"2019-01-01\"}}",
     100, 422,
     "{\"errors\":[{\"message\":\"Extension response is not serializabl"
     "e.\",\"code\":\"invalid_extension_response\"}]}"},
    {"falsy date left alone", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"lastExportDateTime\":0,\"currentExportDateTime\":\"\"}}",
     113, 200,
     "[{\"lastExportDateTime\":0,\"currentExportDateTime\":\"\",\"functio"
     "n\":\"doSomething\"}]"},
    {"connector [\"9ce44f88a25272b6d9cbb430ebbcfcf1\"] type \"hook\"", MODE_CONN, NULL, NULL, NULL,
     NULL, false,
     "{\"_connectorId\":[\"9ce44f88a25272b6d9cbb430ebbcfcf1\"],\"functi"
     "on\":\"doSomething\",\"options\":{\"a\":1},\"type\":\"hook\"}",
     110, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"connector [\"9ce44f88a25272b6d9cbb430ebbcfcf1\"] type null", MODE_CONN, NULL, NULL, NULL,
     NULL, false,
     "{\"_connectorId\":[\"9ce44f88a25272b6d9cbb430ebbcfcf1\"],\"functi"
     "on\":\"doSomething\",\"options\":{\"a\":1}}",
     96, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"connector \"constructor\" type \"hook\"", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"constructor\",\"function\":\"doSomething\",\"opti"
     "ons\":{\"a\":1},\"type\":\"hook\"}",
     87, 422,
     "{\"errors\":[{\"message\":\"The object hook doesn't exist in the "
     "module.\",\"code\":\"object_not_found\"}]}"},
    {"connector \"constructor\" type null", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"constructor\",\"function\":\"doSomething\",\"opti"
     "ons\":{\"a\":1}}",
     73, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"connector \"__proto__\" type \"hook\"", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"__proto__\",\"function\":\"doSomething\",\"option"
     "s\":{\"a\":1},\"type\":\"hook\"}",
     85, 422,
     "{\"errors\":[{\"message\":\"The object hook doesn't exist in the "
     "module.\",\"code\":\"object_not_found\"}]}"},
    {"connector \"__proto__\" type null", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":\"__proto__\",\"function\":\"doSomething\",\"option"
     "s\":{\"a\":1}}",
     71, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"connector 5 type \"hook\"", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":5,\"function\":\"doSomething\",\"options\":{\"a\":1}"
     ",\"type\":\"hook\"}",
     75, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The _connector"
     "Id set in the extension options does't match any of the _con"
     "nectorId's present in extension configuration.\"}]}"},
    {"connector 5 type null", MODE_CONN, NULL, NULL, NULL, NULL, false,
     "{\"_connectorId\":5,\"function\":\"doSomething\",\"options\":{\"a\":1}"
     "}",
     61, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The _connector"
     "Id set in the extension options does't match any of the _con"
     "nectorId's present in extension configuration.\"}]}"},
    {"connector own toString throws", MODE_CONN, NULL, NULL, NULL, NULL, true,
     "{\"_connectorId\":{\"toString\":1},\"type\":\"hook\",\"function\":\"doS"
     "omething\",\"options\":{\"a\":1}}",
     88, 500,
     "{\"errors\":[{\"message\":\"Cannot convert object to primitive va"
     "lue\",\"code\":\"TypeError\"}]}"},
    {"diy 1", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":1,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\""
     "a\":1}}",
     66, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"diy \"yes\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":\"yes\",\"type\":\"hook\",\"function\":\"doSomething\",\"options"
     "\":{\"a\":1}}",
     70, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"diy []", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":[],\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{"
     "\"a\":1}}",
     67, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"diy {}", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":{},\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{"
     "\"a\":1}}",
     67, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"function \"\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"\",\"options\":{\"a\":1}}", 58, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Missi"
     "ng required field function in the extension options.\"}]}"},
    {"function null", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":null,\"options\":{\"a\":1}}", 60, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Missi"
     "ng required field function in the extension options.\"}]}"},
    {"function 0", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":0,\"options\":{\"a\":1}}", 57, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Missi"
     "ng required field function in the extension options.\"}]}"},
    {"function true", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":true,\"options\":{\"a\":1}}", 60, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The function f"
     "ield in the extension options must be of type string.\"}]}"},
    {"function [\"doSomething\"]", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":[\"doSomething\"],\"option"
     "s\":{\"a\":1}}",
     71, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The function f"
     "ield in the extension options must be of type string.\"}]}"},
    {"function {}", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":{},\"options\":{\"a\":1}}", 58, 422,
     "{\"errors\":[{\"code\":\"invalid_field\",\"message\":\"The function f"
     "ield in the extension options must be of type string.\"}]}"},
    {"function \"__proto__\"", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"__proto__\",\"options\":{"
     "\"a\":1}}",
     67, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"function constructor (reference hangs)", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"constructor\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"message\":\"The function passed in the extension "
     "options doesn't map to a function.\",\"code\":\"invalid_function"
     "\"}]}"},
    {"duplicate top-level key: last wins", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options"
     "\":{\"resp\":1},\"function\":\"doSomething\"}",
     98, 200, "[{\"resp\":1,\"function\":\"doSomething\"}]"},
    {"array body", MODE_DIY, NULL, NULL, NULL, NULL, false, "[]", 2, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"authorization \"bearer INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"", MODE_DIY,
     "bearer INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"authorization \"BEARER INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"", MODE_DIY,
     "BEARER INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"authorization \"Bearer  INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"", MODE_DIY,
     "Bearer  INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"authorization \"Bearer\"", MODE_DIY, "Bearer", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"authorization \"Bearer \"", MODE_DIY, "Bearer ", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"authorization \"Token INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"", MODE_DIY,
     "Token INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"authorization \"Bearer\\tINTEGRATOR_EXTENSION_SYSTEM_TOKEN\"", MODE_DIY,
     "Bearer\011INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"authorization \"\"", MODE_DIY, "", NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"query "
     "access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN&access_token=INTEGRATOR_EXTENSION_SYSTEM_"
     "TOKEN",
     MODE_DIY, ABSENT,
     "access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN&access_token=INTEGRATOR_EXTENSION_SYSTEM_"
     "TOKEN",
     NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"query access_token[]=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", MODE_DIY, ABSENT,
     "access_token[]=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"query access_token=INTEGRATOR%5FEXTENSION_SYSTEM_TOKEN", MODE_DIY, ABSENT,
     "access_token=INTEGRATOR%5FEXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"query access_%74oken=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", MODE_DIY, ABSENT,
     "access_%74oken=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"query a=1&access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN&b", MODE_DIY, ABSENT,
     "a=1&access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN&b", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"query access_token", MODE_DIY, ABSENT, "access_token", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"query access_token=INTEGRATOR_EXTENSION+SYSTEM_TOKEN", MODE_DIY, ABSENT,
     "access_token=INTEGRATOR_EXTENSION+SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"query access_token=%E0INTEGRATOR_EXTENSION_SYSTEM_TOKEN", MODE_DIY, ABSENT,
     "access_token=%E0INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"body access_token 5 with a good query token", MODE_DIY, ABSENT,
     "access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1},\"access_token\":5}",
     86, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"body access_token [\"INTEGRATOR_EXTENSION_SYSTEM_TOKEN\"] with a good query token", MODE_DIY,
     ABSENT, "access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1},\"access_token\":[\"INTEGRATOR_EXTENSION_SYSTEM_TOKEN\""
     "]}",
     122, 401,
     "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
     "token.\"}]}"},
    {"body access_token \"\" with a good query token", MODE_DIY, ABSENT,
     "access_token=INTEGRATOR_EXTENSION_SYSTEM_TOKEN", NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1},\"access_token\":\"\"}",
     87, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type \"APPLICATION/JSON\"", MODE_DIY, NULL, NULL, "APPLICATION/JSON", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type \"application/json;charset=UTF-8\"", MODE_DIY, NULL, NULL,
     "application/json;charset=UTF-8", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type \"application/json; charset=\\\"utf-8\\\"\"", MODE_DIY, NULL, NULL,
     "application/json; charset=\"utf-8\"", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type \"application/json;\"", MODE_DIY, NULL, NULL, "application/json;", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"content-type \"application/json; charset\"", MODE_DIY, NULL, NULL,
     "application/json; charset", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"content-type \"text/plain\"", MODE_DIY, NULL, NULL, "text/plain", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"content-type \"application/vnd.api+json\"", MODE_DIY, NULL, NULL, "application/vnd.api+json",
     NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"content-type \"application/json+\"", MODE_DIY, NULL, NULL, "application/json+", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type \"application/json ; charset=utf-8\"", MODE_DIY, NULL, NULL,
     "application/json ; charset=utf-8", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type \"application/json; foo=bar; charset=utf-8\"", MODE_DIY, NULL, NULL,
     "application/json; foo=bar; charset=utf-8", NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"content-type null", MODE_DIY, NULL, NULL, ABSENT, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"charset latin1", MODE_DIY, NULL, NULL, "application/json; charset=latin1", NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 415,
     "{\"errors\":[{\"code\":\"unsupported_charset\",\"message\":\"unsuppor"
     "ted charset \\\"LATIN1\\\"\"}]}"},
    {"charset utf8 (no dash)", MODE_DIY, NULL, NULL, "application/json;charset=utf8", NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 415,
     "{\"errors\":[{\"code\":\"unsupported_charset\",\"message\":\"unsuppor"
     "ted charset \\\"UTF8\\\"\"}]}"},
    {"charset utf-9", MODE_DIY, NULL, NULL, "application/json; charset=utf-9", NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 415,
     "{\"errors\":[{\"code\":\"unsupported_charset\",\"message\":\"unsuppor"
     "ted charset \\\"UTF-9\\\"\"}]}"},
    {"charset utf-16le", MODE_DIY, NULL, NULL, "application/json; charset=utf-16le", NULL, false,
     "{\000\"\000d\000i\000y\000\"\000:\000t\000r\000u\000e\000,"
     "\000\"\000t\000y\000p\000e\000\"\000:\000\"\000h\000o\000o\000k\000\"\000,"
     "\000\"\000f\000u\000n\000"
     "c\000t\000i\000o\000n\000\"\000:"
     "\000\"\000d\000o\000S\000o\000m\000e\000t\000h\000i\000n\000g\000\"\000,"
     "\000\"\000o\000p\000t\000i\000o\000n\000s\000\"\000"
     ":\000{\000\"\000a\000\"\000:\0001\000}\000}\000",
     138, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"charset utf-16 with BOM", MODE_DIY, NULL, NULL, "application/json; charset=utf-16", NULL,
     false,
     "\376\377\000{\000\"\000d\000i\000y\000\"\000:\000t\000r\000u\000e\000,"
     "\000\"\000t\000y\000p\000e\000\"\000:\000\"\000h\000o\000o\000k\000\"\000,\000\"\000f\000u"
     "\000n\000c\000t\000i\000o\000n\000\"\000:"
     "\000\"\000d\000o\000S\000o\000m\000e\000t\000h\000i\000n\000g\000\"\000,"
     "\000\"\000o\000p\000t\000i\000o\000n\000s"
     "\000\"\000:\000{\000\"\000a\000\"\000:\0001\000}\000}",
     140, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"charset utf-16 without BOM", MODE_DIY, NULL, NULL, "application/json; charset=utf-16", NULL,
     false,
     "{\000\"\000d\000i\000y\000\"\000:\000t\000r\000u\000e\000,"
     "\000\"\000t\000y\000p\000e\000\"\000:\000\"\000h\000o\000o\000k\000\"\000,"
     "\000\"\000f\000u\000n\000"
     "c\000t\000i\000o\000n\000\"\000:"
     "\000\"\000d\000o\000S\000o\000m\000e\000t\000h\000i\000n\000g\000\"\000,"
     "\000\"\000o\000p\000t\000i\000o\000n\000s\000\"\000"
     ":\000{\000\"\000a\000\"\000:\0001\000}\000}\000",
     138, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"gzip", MODE_DIY, NULL, NULL, NULL, "gzip", false,
     "\037\213\010\000\000\000\000\000\002\003\253VJ\311\254T\262*)*M\325Q*\251,"
     "HU\262R\312\310\317\317V\322QJ+\315K."
     "\311\314\317\003\212\244\344\007\347\347\246\226dd\346\245\003%"
     "\362\013@\302\305JV\325J\211JV\206\265\265\0000>J|E\000\000\000",
     84, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"gzip, two members", MODE_DIY, NULL, NULL, NULL, "gzip", false,
     "\037\213\010\000\000\000\000\000\002\003\253VJ\311\254T\262*)*\005\000\250}"
     "\217m\012\000\000\000\037\213\010\000\000\000\000\000\002\003K\325Q*\251,"
     "HU\262R\312\310\317\317V\322QJ+\315"
     "K.\311\314\317\003\212\244\344\007\347\347\246\226dd\346\245\003%\362\013@"
     "\302\305JV\325J\211JV\206\265\265\000\275\247\360\364;\000\000\000",
     104, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"deflate", MODE_DIY, NULL, NULL, NULL, "deflate", false,
     "x\234\253VJ\311\254T\262*)*M\325Q*\251,HU\262R\312\310\317\317V\322QJ+\315K."
     "\311\314\317\003\212\244\344\007\347\347\246\226dd\346\245\003%\362\013@\302\305JV\325"
     "J\211JV\206\265\265\0006H\027q",
     72, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"identity", MODE_DIY, NULL, NULL, NULL, "identity", false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"br", MODE_DIY, NULL, NULL, NULL, "br", true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 415,
     "{\"errors\":[{\"code\":\"unsupported_content_encoding\",\"message\":"
     "\"unsupported content encoding \\\"br\\\"\"}]}"},
    {"corrupt gzip", MODE_DIY, NULL, NULL, NULL, "gzip", true, "\037\213\010\000garbage", 11, 400,
     "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"cannot decompre"
     "ss the gzip body: unexpected end of file\"}]}"},
    {"gzip, empty body", MODE_DIY, NULL, NULL, NULL, "gzip", true, "", 0, 400,
     "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"cannot decompre"
     "ss the gzip body: unexpected end of file\"}]}"},
    {"gzip, trailing garbage", MODE_DIY, NULL, NULL, NULL, "gzip", true,
     "\037\213\010\000\000\000\000\000\002\003\253\256\005\000C\277\246\243\002\000\000\000xx", 24,
     400,
     "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"cannot decompre"
     "ss the gzip body: incorrect header check\"}]}"},
    {"deflate, trailing garbage ignored", MODE_DIY, NULL, NULL, NULL, "deflate", false,
     "x\234\253\256\005\000\001u\000\371xx", 12, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"deflate without the zlib header", MODE_DIY, NULL, NULL, NULL, "deflate", true,
     "\253\256\005\000", 4, 400,
     "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"cannot decompre"
     "ss the deflate body: incorrect header check\"}]}"},
    {"non-JSON content type: encoding ignored", MODE_DIY, NULL, NULL, "text/plain", "br", false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"empty body", MODE_DIY, NULL, NULL, NULL, NULL, false, "", 0, 422,
     "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"Need "
     "to set either the diy or _connectorId field in extension opt"
     "ions.\"},{\"code\":\"missing_required_field\",\"message\":\"Missing "
     "required field function in the extension options.\"},{\"code\":"
     "\"missing_required_field\",\"message\":\"Function options haven't"
     " been provided.\"}]}"},
    {"whitespace body", MODE_DIY, NULL, NULL, NULL, NULL, true, "  \012 ", 4, 400,
     "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: u"
     "nexpected end of input at line 2 column 2\"}]}"},
    {"BOM then body", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "\357\273\277{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"optio"
     "ns\":{\"a\":1}}",
     72, 200, "[{\"a\":1,\"function\":\"doSomething\"}]"},
    {"two BOMs", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "\357\273\277\357\273\277{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"op"
     "tions\":{\"a\":1}}",
     75, 400,
     "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: u"
     "nexpected byte 0xef at line 1 column 4\"}]}"},
    {"scalar body", MODE_DIY, NULL, NULL, NULL, NULL, true, "5", 1, 400,
     "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: u"
     "nexpected character '5' at line 1 column 1\"}]}"},
    {"trailing data", MODE_DIY, NULL, NULL, NULL, NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}x",
     70, 400,
     "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: u"
     "nexpected data after the JSON value at line 1 column 70\"}]}"},
    {"bad JSON before bad token", MODE_DIY, "Bearer nope", NULL, NULL, NULL, true, "{x", 2, 400,
     "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: u"
     "nexpected character 'x' at line 1 column 2\"}]}"},
    {"latin1 before bad token", MODE_DIY, "Bearer nope", NULL, "application/json; charset=latin1",
     NULL, true,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":1}}",
     69, 415,
     "{\"errors\":[{\"code\":\"unsupported_charset\",\"message\":\"unsuppor"
     "ted charset \\\"LATIN1\\\"\"}]}"},
    {"numbers JS-style", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":576460752303423488,\"b\":1e21,\"c\":0.000001,\"d\":-0,\"e\":1."
     "50,\"f\":0.30000000000000004}}",
     148, 200,
     "[{\"a\":576460752303423500,\"b\":1e+21,\"c\":0.000001,\"d\":0,\"e\":1."
     "5,\"f\":0.30000000000000004,\"function\":\"doSomething\"}]"},
    {"index keys first", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"b\":1,\"4294967295\":2,\"1\":3,\"0\":4}}",
     96, 200,
     "[{\"0\":4,\"1\":3,\"b\":1,\"4294967295\":2,\"function\":\"doSomething\"}"
     "]"},
    {"existing function key keeps its place", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"function\":\"x\",\"z\":1}}",
     84, 200, "[{\"function\":\"doSomething\",\"z\":1}]"},
    {"lone surrogate", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":\"\\uDAD2x\"}}",
     77, 200, "[{\"a\":\"\\udad2x\",\"function\":\"doSomething\"}]"},
    {"invalid UTF-8 in a string", MODE_DIY, NULL, NULL, NULL, NULL, false,
     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\""
     ":{\"a\":\"\300\200\"}}",
     72, 200, "[{\"a\":\"\357\277\275\357\277\275\",\"function\":\"doSomething\"}]"},
};

static struct registry *reg_diy, *reg_conn;

static struct registry *load(bool no_diy)
{
    const char *dir = getenv("HS_MODULES_DIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/conformance.so", dir ? dir : HS_BUILD_DIR "/protocol-modules");
    const char *files[] = {path};
    struct registry_load_opts o = {.files = files, .nfiles = 1, .no_diy = no_diy};
    char err[512];
    struct registry *r = registry_load(&o, err, sizeof(err));
    if (!r)
        fprintf(stderr, "registry_load: %s\n", err);
    return r;
}

static int group_setup(void **state)
{
    (void)state;
    reg_diy = load(false);
    reg_conn = load(true);
    return reg_diy && reg_conn ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    registry_free(reg_diy);
    registry_free(reg_conn);
    return 0;
}

static const char *const tokens[] = {TOKEN};

static struct strv sv(const char *s, size_t len)
{
    return (struct strv){.p = s, .len = len};
}

static struct strv hdr(const char *v, const char *def)
{
    if (v == ABSENT)
        return sv(NULL, 0);
    if (!v)
        v = def;
    return v ? sv(v, strlen(v)) : sv(NULL, 0);
}

/* Runs one request; the caller frees resp and the arena. */
static void run(const struct proto_config *cfg, const struct pcase *c, struct proto_response *resp,
                struct arena *a)
{
    struct proto_request req;
    memset(&req, 0, sizeof(req));
    req.authorization = hdr(c->auth, "Bearer " TOKEN);
    req.query = hdr(c->query, NULL);
    req.content_type = hdr(c->ctype, "application/json");
    req.content_encoding = hdr(c->cenc, NULL);
    req.body = sv(c->body, c->body_len);
    proto_response_init(resp);
    assert_int_equal(proto_handle(cfg, &req, resp, a), 0);
}

static struct proto_config config(enum mode m)
{
    return (struct proto_config){.reg = m == MODE_CONN ? reg_conn : reg_diy,
                                 .tokens = tokens,
                                 .ntokens = 1,
                                 .max_body = 50u * 1024u * 1024u,
                                 .default_max_response = 5242880};
}

static void assert_answer(const struct proto_response *r, int status, const char *body,
                          size_t body_len)
{
    if (r->status != status || r->body.len != body_len ||
        (body_len && memcmp(r->body.data, body, body_len) != 0)) {
        fprintf(stderr, "want %d %.*s\n got %d %.*s\n", status,
                (int)(body_len > 600 ? 600 : body_len), body, r->status,
                (int)(r->body.len > 600 ? 600 : r->body.len), r->body.data ? r->body.data : "");
    }
    assert_int_equal(r->status, status);
    assert_int_equal(r->body.len, body_len);
    if (body_len)
        assert_memory_equal(r->body.data, body, body_len);
    assert_string_equal(r->content_type, "application/json; charset=utf-8");
}

static void test_case(void **state)
{
    const struct pcase *c = *state;
    struct proto_config cfg = config(c->mode);
    struct arena *a = arena_new(64 * 1024, 0);
    assert_non_null(a);
    struct proto_response r;
    run(&cfg, c, &r, a);
    assert_answer(&r, c->status, c->expect, strlen(c->expect));
    /* WWW-Authenticate goes with 401 and only with it. */
    assert_int_equal(!!(r.flags & PROTO_RESP_WWW_AUTHENTICATE), c->status == 401);
    proto_response_free(&r);
    arena_free(a);
}

/* R9: a 4 MB body (above body-parser's default 100 KB) echoes nothing: 200, empty body. */
static void test_r9_four_megabytes(void **state)
{
    (void)state;
    static const char pre[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\","
                              "\"maxResponseSize\":2000,\"options\":{\"key1\":[\"";
    static const char post[] = "\"],\"bearerToken\":\"ott\"}}";
    size_t n = 4000001, len = sizeof(pre) - 1 + n + sizeof(post) - 1;
    char *body = malloc(len);
    assert_non_null(body);
    memcpy(body, pre, sizeof(pre) - 1);
    memset(body + sizeof(pre) - 1, 'a', n);
    memcpy(body + sizeof(pre) - 1 + n, post, sizeof(post) - 1);
    struct pcase c = {.name = "R9", .body = body, .body_len = len};
    struct proto_config cfg = config(MODE_DIY);
    struct arena *a = arena_new(1 << 20, 0);
    struct proto_response r;
    run(&cfg, &c, &r, a);
    assert_answer(&r, 200, "", 0);
    proto_response_free(&r);
    arena_free(a);
    free(body);
}

/* Nesting under options: plain up to the writer's limit (the reference: about 4,100 levels),
 * then 422 invalid_extension_response. */
static void nested(size_t depth, int status, const char *expect_tail)
{
    static const char pre[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\","
                              "\"options\":{\"a\":";
    size_t len = sizeof(pre) - 1 + 2 * depth + 2;
    char *body = malloc(len);
    assert_non_null(body);
    memcpy(body, pre, sizeof(pre) - 1);
    memset(body + sizeof(pre) - 1, '[', depth);
    memset(body + sizeof(pre) - 1 + depth, ']', depth);
    memcpy(body + sizeof(pre) - 1 + 2 * depth, "}}", 2);
    struct pcase c = {.name = "nested", .body = body, .body_len = len};
    struct proto_config cfg = config(MODE_DIY);
    struct arena *a = arena_new(1 << 20, 0);
    struct proto_response r;
    run(&cfg, &c, &r, a);
    assert_int_equal(r.status, status);
    if (status == 200) {
        /* [{"a":[[...]],"function":"doSomething"}] */
        assert_int_equal(r.body.len, 6 + 2 * depth + strlen(expect_tail) - 2);
        assert_memory_equal(r.body.data, "[{\"a\":", 6);
        assert_memory_equal(r.body.data + r.body.len - strlen(expect_tail), expect_tail,
                            strlen(expect_tail));
    } else {
        assert_int_equal(r.body.len, strlen(expect_tail));
        assert_memory_equal(r.body.data, expect_tail, strlen(expect_tail));
    }
    proto_response_free(&r);
    arena_free(a);
    free(body);
}

static void test_nested_3000_ok(void **state)
{
    (void)state;
    nested(3000, 200, "]],\"function\":\"doSomething\"}]");
}

static void test_nested_4200_not_serializable(void **state)
{
    (void)state;
    nested(4200, 422,
           "{\"errors\":[{\"message\":\"Extension response is not serializable.\","
           "\"code\":\"invalid_extension_response\"}]}");
}

/* The request's log line fields: function, type, ids from options; a wrapper's connection id
 * comes from options.connection._id. */
static void test_log_fields(void **state)
{
    (void)state;
    static const char b1[] =
        "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{"
        "\"_integrationId\":\"i1\",\"_flowId\":\"f1\",\"_exportId\":\"e1\",\"_importId\":\"m1\","
        "\"_connectionId\":\"c0\"}}";
    static const char b2[] = "{\"_connectorId\":\"6a4b9e817fb9f522dbd012f642855a03\",\"type\":"
                             "\"wrapper\",\"function\":\"importOptions\",\"options\":{"
                             "\"connection\":{\"_id\":\"c9\"},\"_connectionId\":\"c0\"}}";
    struct proto_config cfg = config(MODE_DIY);
    struct arena *a = arena_new(64 * 1024, 0);
    struct proto_response r;
    struct pcase c = {.body = b1, .body_len = sizeof(b1) - 1};
    run(&cfg, &c, &r, a);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.function, "doSomething");
    assert_string_equal(r.type, "hook");
    assert_null(r.connector_id);
    assert_string_equal(r.integration_id, "i1");
    assert_string_equal(r.flow_id, "f1");
    assert_string_equal(r.export_id, "e1");
    assert_string_equal(r.import_id, "m1");
    assert_string_equal(r.connection_id, "c0");
    proto_response_free(&r);
    arena_reset(a);
    c.body = b2;
    c.body_len = sizeof(b2) - 1;
    run(&cfg, &c, &r, a);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.function, "importOptions");
    assert_string_equal(r.type, "wrapper");
    assert_string_equal(r.connector_id, "6a4b9e817fb9f522dbd012f642855a03");
    assert_string_equal(r.connection_id, "c9");
    proto_response_free(&r);
    arena_free(a);
}

/* Several accepted tokens (rotation): each works, an empty or partial one does not. */
static void test_token_rotation(void **state)
{
    (void)state;
    static const char *const two[] = {"old-token", "new-token"};
    struct proto_config cfg = config(MODE_DIY);
    cfg.tokens = two;
    cfg.ntokens = 2;
    static const char b[] =
        "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options\":{\"resp\":1}}";
    const char *auths[] = {"Bearer old-token", "Bearer new-token", "Bearer new-toke",
                           "Bearer new-tokenX", "Bearer " TOKEN};
    int want[] = {200, 200, 401, 401, 401};
    for (size_t i = 0; i < 5; i++) {
        struct arena *a = arena_new(16 * 1024, 0);
        struct proto_response r;
        struct pcase c = {.auth = auths[i], .body = b, .body_len = sizeof(b) - 1};
        run(&cfg, &c, &r, a);
        assert_int_equal(r.status, want[i]);
        proto_response_free(&r);
        arena_free(a);
    }
}

/* gzip of n bytes into out (512 bytes). */
static int gzip_small(const void *in, size_t n, void *out, size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = 512;
    int rc = deflate(&zs, Z_FINISH);
    *outlen = 512 - zs.avail_out;
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? 0 : -1;
}

/* max_body applies to the body as read and to what gzip inflates to. */
static void test_max_body(void **state)
{
    (void)state;
    struct proto_config cfg = config(MODE_DIY);
    cfg.max_body = 64;
    static const char big[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\","
                              "\"options\":{\"resp\":\"0123456789\"}}";
    static const char want[] = "{\"errors\":[{\"code\":\"request_entity_too_large\",\"message\":"
                               "\"request entity too large (limit 64 bytes)\"}]}";
    struct arena *a = arena_new(16 * 1024, 0);
    struct proto_response r;
    struct pcase c = {.body = big, .body_len = sizeof(big) - 1};
    run(&cfg, &c, &r, a);
    assert_answer(&r, 413, want, sizeof(want) - 1);
    proto_response_free(&r);
    /* 10 KB of spaces inside a valid body, gzipped to a few dozen bytes. */
    arena_reset(a);
    char plain[10300];
    int n = snprintf(plain, sizeof(plain), "{\"diy\":true%10000s}", "");
    assert_true(n > 10000);
    unsigned char gz[512];
    size_t gzlen = 0;
    assert_int_equal(gzip_small(plain, (size_t)n, gz, &gzlen), 0);
    assert_true(gzlen < 64);
    c = (struct pcase){.cenc = "gzip", .body = (const char *)gz, .body_len = gzlen};
    run(&cfg, &c, &r, a);
    assert_answer(&r, 413, want, sizeof(want) - 1);
    proto_response_free(&r);
    arena_free(a);
}

/* The default limit printed in the message is the configured one. */
static void test_default_max_response(void **state)
{
    (void)state;
    struct proto_config cfg = config(MODE_DIY);
    cfg.default_max_response = 10;
    static const char b[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\","
                            "\"options\":{\"resp\":\"0123456789\"}}";
    static const char want[] = "{\"errors\":[{\"message\":\"response stream exceeded limit of 10 "
                               "bytes.\",\"code\":\"response_size_exceeded\"}]}";
    struct arena *a = arena_new(16 * 1024, 0);
    struct proto_response r;
    struct pcase c = {.body = b, .body_len = sizeof(b) - 1};
    run(&cfg, &c, &r, a);
    assert_answer(&r, 422, want, sizeof(want) - 1);
    proto_response_free(&r);
    arena_free(a);
}

int main(void)
{
    size_t n = sizeof(cases) / sizeof(cases[0]);
    static const struct CMUnitTest extra[] = {
        cmocka_unit_test(test_r9_four_megabytes),
        cmocka_unit_test(test_nested_3000_ok),
        cmocka_unit_test(test_nested_4200_not_serializable),
        cmocka_unit_test(test_log_fields),
        cmocka_unit_test(test_token_rotation),
        cmocka_unit_test(test_max_body),
        cmocka_unit_test(test_default_max_response),
    };
    size_t ne = sizeof(extra) / sizeof(extra[0]);
    struct CMUnitTest *tests = calloc(n + ne, sizeof(*tests));
    if (!tests)
        return 1;
    for (size_t i = 0; i < n; i++)
        tests[i] = (struct CMUnitTest){
            .name = cases[i].name, .test_func = test_case, .initial_state = (void *)&cases[i]};
    for (size_t i = 0; i < ne; i++)
        tests[n + i] = extra[i];
    int rc = _cmocka_run_group_tests("proto", tests, n + ne, group_setup, group_teardown);
    free(tests);
    return rc;
}

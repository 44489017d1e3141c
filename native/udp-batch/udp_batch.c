// Batched UDP for the DNS filter: recvmmsg/sendmmsg on a non-blocking socket watched by libuv.
// Node's dgram costs two kernel crossings and two JS<->C++ crossings per datagram; the DNS
// benchmark spends most of its time there. Here one readable event reads up to a batch of
// datagrams in one call and the answers leave in one call. Addresses stay opaque 28-byte
// sockaddr blobs: JS never turns them into strings on the hot path.
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ADDR_SIZE 28 /* sizeof(struct sockaddr_in6), the larger of the two */
#define MAX_BATCH 256

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
} Watch;

static napi_value fail(napi_env env, const char* what, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  const char* code = err == EADDRINUSE ? "EADDRINUSE" : err == EACCES ? "EACCES" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "EUDPBATCH";
  napi_throw_error(env, code, message);
  return NULL;
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, "EUDPBATCH", "udp-batch: " #call " failed"); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static socklen_t addr_len(const unsigned char* addr) {
  return ((const struct sockaddr*)addr)->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

// bind(host: string, port: number) -> [fd, boundPort]
static napi_value Bind(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char host[64];
  size_t host_len;
  uint32_t port;
  CHECK(napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len));
  CHECK(napi_get_value_uint32(env, argv[1], &port));
  if (port > 65535) return fail(env, "bind", EINVAL);

  struct sockaddr_storage addr;
  memset(&addr, 0, sizeof addr);
  socklen_t len;
  int family;
  struct sockaddr_in* v4 = (struct sockaddr_in*)&addr;
  struct sockaddr_in6* v6 = (struct sockaddr_in6*)&addr;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    family = v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    family = v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    len = sizeof *v6;
  } else {
    return fail(env, "bind: not an IP address", EINVAL);
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, "socket", errno);
  if (bind(fd, (struct sockaddr*)&addr, len) != 0) {
    int err = errno;
    close(fd);
    return fail(env, "bind", err);
  }
  if (getsockname(fd, (struct sockaddr*)&addr, &len) != 0) {
    int err = errno;
    close(fd);
    return fail(env, "getsockname", err);
  }
  uint16_t bound = ntohs(family == AF_INET ? v4->sin_port : v6->sin6_port);
  napi_value out, a, b;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_int32(env, fd, &a));
  CHECK(napi_create_uint32(env, bound, &b));
  CHECK(napi_set_element(env, out, 0, a));
  CHECK(napi_set_element(env, out, 1, b));
  return out;
}

static void on_poll(uv_poll_t* handle, int status, int events) {
  Watch* w = (Watch*)handle->data;
  // An error does not go away: stop watching rather than be called again at once, forever.
  if (status < 0) uv_poll_stop(handle);
  napi_handle_scope scope;
  if (napi_open_handle_scope(w->env, &scope) != napi_ok) return;
  napi_value cb, recv, arg, result;
  napi_get_reference_value(w->env, w->callback, &cb);
  napi_get_global(w->env, &recv); /* make_callback wants an object for `this` */
  // Negative: a poll error (the socket is unusable); otherwise the uv readable/writable bits.
  napi_create_int32(w->env, status < 0 ? status : events, &arg);
  // make_callback runs the microtasks and ticks the callback queued, as any Node I/O callback.
  if (napi_make_callback(w->env, w->context, recv, cb, 1, &arg, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(w->env, &err);
    napi_fatal_exception(w->env, err);
  }
  napi_close_handle_scope(w->env, scope);
}

// watch(fd, callback(events), writable: boolean) -> handle; callback runs on readiness.
static napi_value WatchFd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  Watch* w = calloc(1, sizeof *w);
  if (!w) return fail(env, "watch", ENOMEM);
  w->env = env;
  w->fd = fd;
  uv_loop_t* loop;
  napi_value name;
  CHECK(napi_get_uv_event_loop(env, &loop));
  CHECK(napi_create_reference(env, argv[1], 1, &w->callback));
  CHECK(napi_create_string_utf8(env, "BulwarkUdpBatch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, NULL, name, &w->context));
  w->poll.data = w;
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc == 0) rc = uv_poll_start(&w->poll, UV_READABLE, on_poll);
  if (rc != 0) {
    napi_delete_reference(env, w->callback);
    napi_async_destroy(env, w->context);
    free(w);
    return fail(env, "uv_poll", -rc);
  }
  napi_value external;
  CHECK(napi_create_external(env, w, NULL, NULL, &external));
  return external;
}

// interest(handle, writable: boolean): also wake up when the socket can take more answers.
static napi_value Interest(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Watch* w;
  bool writable;
  CHECK(napi_get_value_external(env, argv[0], (void**)&w));
  CHECK(napi_get_value_bool(env, argv[1], &writable));
  int rc = uv_poll_start(&w->poll, UV_READABLE | (writable ? UV_WRITABLE : 0), on_poll);
  if (rc != 0) return fail(env, "uv_poll_start", -rc);
  return NULL;
}

static void on_close(uv_handle_t* handle) {
  Watch* w = (Watch*)handle->data;
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->context);
  close(w->fd);
  free(w);
}

// close(handle): stops watching and closes the socket.
static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Watch* w;
  CHECK(napi_get_value_external(env, argv[0], (void**)&w));
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t*)&w->poll, on_close);
  return NULL;
}

static int typed(napi_env env, napi_value value, void** data, size_t* bytes) {
  napi_typedarray_type type;
  size_t length, offset;
  napi_value ab;
  if (napi_get_typedarray_info(env, value, &type, &length, data, &ab, &offset) != napi_ok) return 0;
  size_t unit = type == napi_int32_array || type == napi_uint32_array ? 4 : 1;
  *bytes = length * unit;
  return 1;
}

// recv(fd, slots: Uint8Array, slotSize, lengths: Int32Array, addrs: Uint8Array) -> count.
// Datagram i lands at slots[i*slotSize], its length in lengths[i] (-1 if it did not fit), its
// sender's sockaddr at addrs[i*28]. 0: nothing waiting; negative: -errno.
static napi_value Recv(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  uint32_t slot;
  unsigned char *slots, *addrs;
  int32_t* lengths;
  size_t slots_bytes, lengths_bytes, addrs_bytes;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  CHECK(napi_get_value_uint32(env, argv[2], &slot));
  if (!slot || !typed(env, argv[1], (void**)&slots, &slots_bytes) || !typed(env, argv[3], (void**)&lengths, &lengths_bytes) ||
      !typed(env, argv[4], (void**)&addrs, &addrs_bytes)) {
    napi_throw_type_error(env, NULL, "recv(fd, slots, slotSize, lengths, addrs)");
    return NULL;
  }
  size_t n = slots_bytes / slot;
  if (lengths_bytes / 4 < n) n = lengths_bytes / 4;
  if (addrs_bytes / ADDR_SIZE < n) n = addrs_bytes / ADDR_SIZE;
  if (n > MAX_BATCH) n = MAX_BATCH;
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  memset(msgs, 0, n * sizeof msgs[0]);
  for (size_t i = 0; i < n; i++) {
    iov[i].iov_base = slots + i * slot;
    iov[i].iov_len = slot;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = addrs + i * ADDR_SIZE;
    msgs[i].msg_hdr.msg_namelen = ADDR_SIZE;
  }
  int got;
  do got = recvmmsg(fd, msgs, (unsigned)n, MSG_DONTWAIT, NULL);
  while (got < 0 && errno == EINTR);
  if (got < 0) got = errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  for (int i = 0; i < got; i++) lengths[i] = msgs[i].msg_hdr.msg_flags & MSG_TRUNC ? -1 : (int32_t)msgs[i].msg_len;
  napi_value out;
  CHECK(napi_create_int32(env, got, &out));
  return out;
}

// send(fd, datagrams: Uint8Array[], addrs: Uint8Array, addrIndex: Int32Array, count) -> consumed.
// Datagram i goes to the sockaddr at addrs[addrIndex[i]*28]. Sends stop early only when the
// socket is full (the caller keeps the rest); a datagram the kernel refuses outright (a bad
// address) is skipped, as a lost UDP packet.
static napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  uint32_t count;
  unsigned char* addrs;
  int32_t* index;
  size_t addrs_bytes, index_bytes;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  CHECK(napi_get_value_uint32(env, argv[4], &count));
  if (!typed(env, argv[2], (void**)&addrs, &addrs_bytes) || !typed(env, argv[3], (void**)&index, &index_bytes)) {
    napi_throw_type_error(env, NULL, "send(fd, datagrams, addrs, addrIndex, count)");
    return NULL;
  }
  if (count > index_bytes / 4) count = (uint32_t)(index_bytes / 4);
  uint32_t consumed = 0;
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  while (consumed < count) {
    uint32_t n = count - consumed > MAX_BATCH ? MAX_BATCH : count - consumed;
    memset(msgs, 0, n * sizeof msgs[0]);
    for (uint32_t i = 0; i < n; i++) {
      napi_value item;
      void* data;
      size_t bytes;
      CHECK(napi_get_element(env, argv[1], consumed + i, &item));
      int32_t at = index[consumed + i];
      if (!typed(env, item, &data, &bytes) || at < 0 || (size_t)(at + 1) * ADDR_SIZE > addrs_bytes) {
        napi_throw_type_error(env, NULL, "send: datagram or address index out of range");
        return NULL;
      }
      iov[i].iov_base = data;
      iov[i].iov_len = bytes;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = addrs + (size_t)at * ADDR_SIZE;
      msgs[i].msg_hdr.msg_namelen = addr_len(addrs + (size_t)at * ADDR_SIZE);
    }
    int sent = sendmmsg(fd, msgs, n, MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
      sent = 1; /* the first datagram was refused: drop it and go on */
    }
    consumed += (uint32_t)sent;
  }
  napi_value out;
  CHECK(napi_create_uint32(env, consumed, &out));
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"bind", NULL, Bind, NULL, NULL, NULL, napi_default, NULL},
      {"watch", NULL, WatchFd, NULL, NULL, NULL, napi_default, NULL},
      {"interest", NULL, Interest, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
      {"recv", NULL, Recv, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value addrSize;
  napi_create_uint32(env, ADDR_SIZE, &addrSize);
  napi_set_named_property(env, exports, "ADDR_SIZE", addrSize);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

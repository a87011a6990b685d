/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A question for a password that the credentials could not find: the GUI
 * shows a dialog, pigeon-tool reads a line. Answer it exactly once with
 * pigeon_password_request_reply(), now or later. */
typedef struct _PigeonPasswordRequest PigeonPasswordRequest;

#define PIGEON_TYPE_PASSWORD_REQUEST (pigeon_password_request_get_type ())
GType pigeon_password_request_get_type (void);
PigeonPasswordRequest *pigeon_password_request_ref (PigeonPasswordRequest *request);
void pigeon_password_request_unref (PigeonPasswordRequest *request);
const char *pigeon_password_request_get_protocol (PigeonPasswordRequest *request);
const char *pigeon_password_request_get_host (PigeonPasswordRequest *request);
guint pigeon_password_request_get_port (PigeonPasswordRequest *request);
const char *pigeon_password_request_get_user (PigeonPasswordRequest *request);
/* @password NULL: the person declined. */
void pigeon_password_request_reply (PigeonPasswordRequest *request, const char *password);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonPasswordRequest, pigeon_password_request_unref)

typedef void (*PigeonPasswordPromptFunc) (PigeonPasswordRequest *request, gpointer user_data);

#define PIGEON_TYPE_CREDENTIALS (pigeon_credentials_get_type ())

/* Passwords, keyed by protocol ("imap", "pop3", "smtp"), host, port and
 * user. Kept in the Secret Service (libsecret, schema
 * "org.pigeonmail.Pigeon.Password") when there is one; without one, asked
 * for once per session through the prompt and kept only in memory. Never
 * written to disk by Pigeon. */
G_DECLARE_FINAL_TYPE (PigeonCredentials, pigeon_credentials, PIGEON, CREDENTIALS, GObject)

/* @use_secret_service FALSE keeps everything in memory (also forced by
 * PIGEON_SECRET_SERVICE=0 in the environment). */
PigeonCredentials *pigeon_credentials_new (gboolean use_secret_service);
void pigeon_credentials_set_prompt_func (PigeonCredentials *self,
                                         PigeonPasswordPromptFunc func,
                                         gpointer user_data,
                                         GDestroyNotify destroy);
/* FALSE once the Secret Service was found missing (or was disabled):
 * passwords then last only as long as this object. */
gboolean pigeon_credentials_has_secret_service (PigeonCredentials *self);

/* The password from memory, else the Secret Service, else the prompt. A
 * prompted password is kept (and stored in the Secret Service). */
void pigeon_credentials_lookup_async (PigeonCredentials *self,
                                      const char *protocol,
                                      const char *host,
                                      guint port,
                                      const char *user,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
char *pigeon_credentials_lookup_finish (PigeonCredentials *self, GAsyncResult *result, GError **error);

/* Keeps @password in memory and, when there is one, in the Secret
 * Service. The result says whether it was stored there (FALSE: memory
 * only, which is not an error). */
void pigeon_credentials_store_async (PigeonCredentials *self,
                                     const char *protocol,
                                     const char *host,
                                     guint port,
                                     const char *user,
                                     const char *password,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_credentials_store_finish (PigeonCredentials *self, GAsyncResult *result, GError **error);

/* Forgets the password (a wrong one, a removed account). */
void pigeon_credentials_forget_async (PigeonCredentials *self,
                                      const char *protocol,
                                      const char *host,
                                      guint port,
                                      const char *user,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean pigeon_credentials_forget_finish (PigeonCredentials *self, GAsyncResult *result, GError **error);

G_END_DECLS

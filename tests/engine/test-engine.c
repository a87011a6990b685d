/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "pigeon-autodiscover.h"
#include "pigeon-certificate-pins.h"
#include "pigeon-credentials.h"
#include "pigeon-engine-error.h"
#include "pigeon-provider.h"

/* A resolver that answers SRV lookups from a table. */
#define FAKE_TYPE_RESOLVER (fake_resolver_get_type ())
G_DECLARE_FINAL_TYPE (FakeResolver, fake_resolver, FAKE, RESOLVER, GResolver)

struct _FakeResolver
{
  GResolver parent_instance;
  GHashTable *srv; /* "_imaps._tcp.example.test" -> "host:port" */
};

G_DEFINE_FINAL_TYPE (FakeResolver, fake_resolver, G_TYPE_RESOLVER)

static void
fake_lookup_service_async (GResolver *resolver,
                           const char *rrname,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  FakeResolver *self = FAKE_RESOLVER (resolver);
  g_autoptr (GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  const char *value = g_hash_table_lookup (self->srv, rrname);
  g_auto (GStrv) parts = NULL;

  if (value == NULL)
    {
      g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no %s", rrname);
      return;
    }
  parts = g_strsplit (value, ":", 2);
  g_task_return_pointer (task, g_list_append (NULL, g_srv_target_new (parts[0], atoi (parts[1]), 0, 0)),
                         (GDestroyNotify) g_resolver_free_targets);
}

static GList *
fake_lookup_service_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_resolver_finalize (GObject *object)
{
  g_hash_table_destroy (FAKE_RESOLVER (object)->srv);
  G_OBJECT_CLASS (fake_resolver_parent_class)->finalize (object);
}

static void
fake_resolver_class_init (FakeResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_resolver_finalize;
  G_RESOLVER_CLASS (klass)->lookup_service_async = fake_lookup_service_async;
  G_RESOLVER_CLASS (klass)->lookup_service_finish = fake_lookup_service_finish;
}

static void
fake_resolver_init (FakeResolver *self)
{
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* A probe that accepts the "host:port" listed in @user_data (a GStrv). */
static void
fake_probe (const char *protocol, const PigeonServer *server, GCancellable *cancellable, GTask *task, gpointer data)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", server->host, server->port);

  g_task_return_boolean (task, g_strv_contains ((const char *const *) data, key));
  g_object_unref (task);
}

static void
got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static PigeonDiscovery *
discover (FakeResolver *resolver, const char *const *working, const char *address, GError **error)
{
  g_autoptr (PigeonAutodiscover) autodiscover = pigeon_autodiscover_new ();
  g_autoptr (GAsyncResult) result = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  pigeon_autodiscover_set_resolver (autodiscover, G_RESOLVER (resolver));
  pigeon_autodiscover_set_probe_func (autodiscover, fake_probe, (gpointer) working);
  pigeon_autodiscover_set_use_presets (autodiscover, FALSE);
  pigeon_autodiscover_discover_async (autodiscover, address, NULL, got, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  return pigeon_autodiscover_discover_finish (autodiscover, result, error);
}

static void
test_srv_prefers_tls (void)
{
  g_autoptr (FakeResolver) resolver = g_object_new (FAKE_TYPE_RESOLVER, NULL);
  const char *working[] = { "mx.example.test:993", "mx.example.test:143", "out.example.test:587", NULL };
  g_autoptr (PigeonDiscovery) found = NULL;
  g_autoptr (GError) error = NULL;

  g_hash_table_insert (resolver->srv, g_strdup ("_imaps._tcp.example.test"), g_strdup ("mx.example.test:993"));
  g_hash_table_insert (resolver->srv, g_strdup ("_imap._tcp.example.test"), g_strdup ("mx.example.test:143"));
  g_hash_table_insert (resolver->srv, g_strdup ("_submission._tcp.example.test"), g_strdup ("out.example.test:587"));
  found = discover (resolver, working, "me@example.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->source, ==, "srv");
  g_assert_cmpint (found->incoming_protocol, ==, PIGEON_PROTOCOL_IMAP);
  g_assert_cmpuint (found->incoming.port, ==, 993);
  g_assert_cmpint (found->incoming.security, ==, PIGEON_SECURITY_TLS);
  g_assert_cmpuint (found->smtp.port, ==, 587);
  g_assert_cmpint (found->smtp.security, ==, PIGEON_SECURITY_STARTTLS);
}

static void
test_guesses_never_weaker (void)
{
  g_autoptr (FakeResolver) resolver = g_object_new (FAKE_TYPE_RESOLVER, NULL);
  /* IMAP only with STARTTLS, POP3 with implicit TLS: the stronger wins. */
  const char *working[] = { "imap.example.org:143", "pop.example.org:995", "smtp.example.org:465",
                            "smtp.example.org:587", NULL };
  g_autoptr (PigeonDiscovery) found = NULL;
  g_autoptr (GError) error = NULL;

  found = discover (resolver, working, "me@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->source, ==, "guess");
  g_assert_cmpint (found->incoming_protocol, ==, PIGEON_PROTOCOL_POP3);
  g_assert_cmpint (found->incoming.security, ==, PIGEON_SECURITY_TLS);
  g_assert_cmpuint (found->smtp.port, ==, 465);
}

static void
test_nothing_found (void)
{
  g_autoptr (FakeResolver) resolver = g_object_new (FAKE_TYPE_RESOLVER, NULL);
  const char *working[] = { NULL };
  g_autoptr (PigeonDiscovery) found = NULL;
  g_autoptr (GError) error = NULL;

  found = discover (resolver, working, "me@nowhere.test", &error);
  g_assert_null (found);
  g_assert_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_DISCOVERY);
}

static void
test_providers (void)
{
  g_autoptr (GPtrArray) all = pigeon_provider_list_all ();
  const char *domains[] = { "gmail.com", "outlook.com", "yahoo.com", "icloud.com", "fastmail.com", "gmx.net",
                            "web.de",    "mailbox.org", "proton.me", "zoho.com",   "aol.com",      "posteo.de" };
  g_autoptr (PigeonProvider) proton = pigeon_provider_lookup ("PM.ME");

  g_assert_cmpuint (all->len, >=, 12);
  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      g_autoptr (PigeonProvider) provider = pigeon_provider_lookup (domains[i]);

      g_assert_nonnull (provider);
      g_assert_nonnull (provider->smtp.host);
      g_assert_true (provider->imap.host != NULL || provider->pop3.host != NULL);
    }
  g_assert_nonnull (proton);
  g_assert_cmpstr (proton->imap.host, ==, "127.0.0.1");
  g_assert_null (pigeon_provider_lookup ("example.invalid"));
}

static void
test_pins (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pigeon-pins-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "certificates.ini", NULL);
  g_autoptr (PigeonCertificatePins) pins = pigeon_certificate_pins_new (path);
  g_autoptr (PigeonCertificatePins) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_null (pigeon_certificate_pins_lookup (pins, "mail.example.org", 993));
  g_assert_true (pigeon_certificate_pins_accept (pins, "mail.example.org", 993, "AB:CD", &error));
  g_assert_no_error (error);
  again = pigeon_certificate_pins_new (path);
  value = pigeon_certificate_pins_lookup (again, "mail.example.org", 993);
  g_assert_cmpstr (value, ==, "AB:CD");
  g_assert_null (pigeon_certificate_pins_lookup (again, "mail.example.org", 995));
  g_assert_true (pigeon_certificate_pins_forget (again, "mail.example.org", 993, &error));
  g_assert_null (pigeon_certificate_pins_lookup (pins, "mail.example.org", 993));
  g_unlink (path);
}

static void
prompt_once (PigeonPasswordRequest *request, gpointer user_data)
{
  guint *asked = user_data;

  (*asked)++;
  g_assert_cmpstr (pigeon_password_request_get_protocol (request), ==, "pop3");
  pigeon_password_request_reply (request, "s3cret");
}

static char *
lookup (PigeonCredentials *credentials, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_credentials_lookup_async (credentials, "pop3", "mail.example.org", 995, "me", NULL, got, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return pigeon_credentials_lookup_finish (credentials, result, error);
}

static void
test_memory_credentials (void)
{
  g_autoptr (PigeonCredentials) credentials = pigeon_credentials_new (FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *none = NULL;
  guint asked = 0;

  none = lookup (credentials, &error);
  g_assert_null (none);
  g_assert_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_PASSWORD);
  g_clear_error (&error);
  pigeon_credentials_set_prompt_func (credentials, prompt_once, &asked, NULL);
  first = lookup (credentials, &error);
  second = lookup (credentials, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "s3cret");
  g_assert_cmpstr (second, ==, "s3cret");
  g_assert_cmpuint (asked, ==, 1);
  g_assert_false (pigeon_credentials_has_secret_service (credentials));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/autodiscover/srv-prefers-tls", test_srv_prefers_tls);
  g_test_add_func ("/engine/autodiscover/guesses-never-weaker", test_guesses_never_weaker);
  g_test_add_func ("/engine/autodiscover/nothing-found", test_nothing_found);
  g_test_add_func ("/engine/providers", test_providers);
  g_test_add_func ("/engine/certificate-pins", test_pins);
  g_test_add_func ("/engine/credentials/memory", test_memory_credentials);
  return g_test_run ();
}

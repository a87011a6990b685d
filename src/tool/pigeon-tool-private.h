/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <stdio.h>

#include "pigeon-mime.h"

G_BEGIN_DECLS

/* Exit statuses: 1 for a failure the person can act on (a file, a part, an
 * address), 2 for a command line that could not be understood. */
#define PIGEON_TOOL_EXIT_FAILURE 1
#define PIGEON_TOOL_EXIT_USAGE 2

/* A command or a verb: @run gets the arguments after its own name, with
 * argv[0] set to the full command ("pigeon-tool mime tree"). */
typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary; /* N_() marked; translated when shown */
} PigeonToolCommand;

/* Runs the command of @commands named by argv[1], or lists them when there
 * is none or argv[1] is --help. @prefix is the command line so far. */
int pigeon_tool_dispatch (const char *prefix, const PigeonToolCommand *commands, int argc, char **argv);

/* A GOptionContext for one verb, translated, with its main @entries. */
GOptionContext *
pigeon_tool_option_context_new (const char *parameter_string, const char *summary, const GOptionEntry *entries);
/* Prints "PROGRAM: @message" and a pointer to --help; returns the usage
 * exit status. */
int pigeon_tool_usage_error (const char *message);
/* Prints "PROGRAM: @error's message"; returns the failure exit status. */
int pigeon_tool_fail (const GError *error);

/* Writes @bytes to the file at @path, or to standard output for "-". */
gboolean pigeon_tool_write_output (const char *path, GBytes *bytes, GError **error);

/* The tool is a terminal command: it waits for each operation in turn.
 * pigeon_tool_store_result() keeps a GAsyncResult in the GAsyncResult *
 * its user data points at; pigeon_tool_wait_for() iterates until it is set. */
void pigeon_tool_store_result (GObject *source, GAsyncResult *result, gpointer user_data);
void pigeon_tool_wait_for (GAsyncResult **result);

/* Options that raise or lower the parser's limits (--max-headers, ...),
 * written into @limits, which starts as the defaults. */
GOptionGroup *pigeon_tool_limits_option_group (PigeonMimeLimits *limits);

/* Maps the file at @path read-only; fails with a message that names it. */
GMappedFile *pigeon_tool_map_file (const char *path, GError **error);
/* Maps and parses the message file at @path. */
PigeonMimeMessage *pigeon_tool_load_message (const char *path, const PigeonMimeLimits *limits, GError **error);

int pigeon_tool_mime (int argc, char **argv);
int pigeon_tool_mime_tree (int argc, char **argv);
int pigeon_tool_mime_extract (int argc, char **argv);
int pigeon_tool_mime_scan (int argc, char **argv);
int pigeon_tool_mime_build (int argc, char **argv);

G_END_DECLS

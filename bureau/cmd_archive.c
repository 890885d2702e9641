#include "cli.h"
const struct cli_command cli_commands_archive[] = {
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};

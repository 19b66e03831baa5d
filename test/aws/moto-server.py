"""moto's AWS server for the day-two replays, with the one behaviour of AWS moto lacks that they need.

CloudWatch Logs keeps a log group's class (STANDARD unless CreateLogGroup names another) and returns
it from DescribeLogGroups; moto drops it, and the AWS provider would then plan to replace every
INFREQUENT_ACCESS group on each plan. Usage: moto-server.py <port>
"""
import sys

from moto.logs import models, responses
from moto.server import ThreadedMotoServer

_init = models.LogGroup.__init__
_describe = models.LogGroup.to_describe_dict


def _log_group_init(self, account_id, region, name, **kwargs):
    _init(self, account_id, region, name, **kwargs)
    self.log_group_class = kwargs.get("logGroupClass") or "STANDARD"


def _log_group_describe(self):
    return {**_describe(self), "logGroupClass": self.log_group_class}


def _create_log_group(self):
    # moto's own handler, plus the class.
    self.logs_backend.create_log_group(
        self._get_param("logGroupName"),
        self._get_param("tags"),
        kmsKeyId=self._get_param("kmsKeyId"),
        logGroupClass=self._get_param("logGroupClass"),
    )
    return ""


models.LogGroup.__init__ = _log_group_init
models.LogGroup.to_describe_dict = _log_group_describe
responses.LogsResponse.create_log_group = _create_log_group

server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]))
server.start()
print("ready", flush=True)
server._thread.join()

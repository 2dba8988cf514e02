#!/usr/bin/python3
"""A stand-in for grpcurl (not packaged for Debian) on Debian's python3-grpcio and
python3-protobuf: it learns every type from the server's reflection service (v1alpha, what
gRPC 1.51 serves), as grpcurl does, and accepts grpcurl's arguments for the calls the README
shows:

  reflection_client.py -plaintext ADDRESS list [SERVICE]
  reflection_client.py -plaintext ADDRESS describe SYMBOL
  reflection_client.py -plaintext [-H 'name: value']... [-d JSON] [-format-error] \
      ADDRESS package.Service/Method

Responses print as JSON (field names in lowerCamelCase, as grpcurl prints them). A failed call
prints its status with the google.rpc.Status details decoded through reflection (ErrorInfo,
BadRequest, ...): as JSON with -format-error, else like grpcurl's "ERROR:" block; the exit code is
then 64 + the gRPC status code, like grpcurl's.

Debian ships no grpc_reflection module: the reflection messages are generated from grpc-proto's
reflection.proto with protoc when the script starts (both are build dependencies).
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

REFLECTION_PROTO_DIR = "/usr/share/grpc-proto/grpc/reflection/v1alpha"
REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
STATUS_DETAILS_KEY = "grpc-status-details-bin"


def load_reflection_messages():
    """The generated reflection_pb2 module, made with protoc in a temporary directory."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["protoc", f"--proto_path={REFLECTION_PROTO_DIR}", f"--python_out={out}",
                        "reflection.proto"], check=True)
        sys.path.insert(0, out)
        try:
            return importlib.import_module("reflection_pb2")
        finally:
            sys.path.pop(0)


def message_class(descriptor):
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


class Reflection:
    """Types and services as the server describes them, loaded into a private descriptor pool."""

    def __init__(self, channel):
        self.pb = load_reflection_messages()
        self.call = channel.stream_stream(
            REFLECTION_METHOD,
            request_serializer=self.pb.ServerReflectionRequest.SerializeToString,
            response_deserializer=self.pb.ServerReflectionResponse.FromString)
        self.pool = descriptor_pool.DescriptorPool()
        self.added = set()

    def ask(self, **request):
        response = next(iter(self.call(iter([self.pb.ServerReflectionRequest(**request)]))))
        if response.HasField("error_response"):
            raise LookupError(response.error_response.error_message)
        return response

    def services(self):
        return sorted(s.name for s in self.ask(list_services="").list_services_response.service)

    def _add_files(self, response):
        """Adds the response's files to the pool, dependencies first (fetching missing ones)."""
        files = {}
        for raw in response.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[proto.name] = proto

        def add(name):
            if name in self.added:
                return
            if name not in files:
                fetched = self.ask(file_by_filename=name)
                for raw in fetched.file_descriptor_response.file_descriptor_proto:
                    proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
                    files.setdefault(proto.name, proto)
            for dependency in files[name].dependency:
                add(dependency)
            self.pool.Add(files[name])
            self.added.add(name)

        for name in list(files):
            add(name)

    def find(self, symbol):
        """The descriptor of a service, method, message or enum, by full name."""
        symbol = symbol.lstrip(".")
        for lookup in (self.pool.FindServiceByName, self.pool.FindMessageTypeByName,
                       self.pool.FindEnumTypeByName, self.pool.FindMethodByName):
            try:
                return lookup(symbol)
            except KeyError:
                pass
        self._add_files(self.ask(file_containing_symbol=symbol))
        for lookup in (self.pool.FindServiceByName, self.pool.FindMessageTypeByName,
                       self.pool.FindEnumTypeByName, self.pool.FindMethodByName):
            try:
                return lookup(symbol)
            except KeyError:
                pass
        raise LookupError(f"symbol not found: {symbol}")


TYPE_NAMES = {getattr(descriptor_pb2.FieldDescriptorProto, name): name[len("TYPE_"):].lower()
              for name in dir(descriptor_pb2.FieldDescriptorProto) if name.startswith("TYPE_")}


def field_type(field):
    if field.message_type and field.message_type.GetOptions().map_entry:
        entry = field.message_type.fields_by_name
        return f"map<{field_type(entry['key'])}, {field_type(entry['value'])}>"
    if field.message_type:
        return "." + field.message_type.full_name
    if field.enum_type:
        return "." + field.enum_type.full_name
    return TYPE_NAMES[field.type]


def describe(descriptor):
    """Roughly what `grpcurl describe` prints."""
    if hasattr(descriptor, "methods"):
        lines = [f"{descriptor.full_name} is a service:", f"service {descriptor.name} {{"]
        for m in descriptor.methods:
            lines.append(f"  rpc {m.name} ( .{m.input_type.full_name} ) returns "
                         f"( .{m.output_type.full_name} );")
    elif hasattr(descriptor, "fields"):
        lines = [f"{descriptor.full_name} is a message:", f"message {descriptor.name} {{"]
        for f in descriptor.fields:
            repeated = (f.label == f.LABEL_REPEATED
                        and not (f.message_type and f.message_type.GetOptions().map_entry))
            label = "repeated " if repeated else ""
            lines.append(f"  {label}{field_type(f)} {f.name} = {f.number};")
    elif hasattr(descriptor, "values"):
        lines = [f"{descriptor.full_name} is an enum:", f"enum {descriptor.name} {{"]
        lines += [f"  {v.name} = {v.number};" for v in descriptor.values]
    else:
        lines = [f"{descriptor.full_name} is a method:",
                 f"rpc {descriptor.name} ( .{descriptor.input_type.full_name} ) returns "
                 f"( .{descriptor.output_type.full_name} );"]
        return "\n".join(lines)
    return "\n".join(lines + ["}"])


def decoded_status(reflection, error):
    """The call's google.rpc.Status as JSON, its Any details resolved through reflection."""
    raw = dict(error.trailing_metadata() or ()).get(STATUS_DETAILS_KEY)
    if raw is None:
        return {"code": error.code().value[0], "message": error.details() or ""}
    status = message_class(reflection.find("google.rpc.Status")).FromString(raw)
    for detail in status.details:
        reflection.find(detail.type_url.rsplit("/", 1)[-1])
    return json.loads(json_format.MessageToJson(status, descriptor_pool=reflection.pool))


def code_name(code):
    """A status code as grpcurl (Go) names it: INVALID_ARGUMENT -> InvalidArgument."""
    if code == grpc.StatusCode.CANCELLED:
        return "Canceled"
    return "OK" if code == grpc.StatusCode.OK else code.name.title().replace("_", "")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="reflection_client.py", allow_abbrev=False)
    parser.add_argument("-plaintext", action="store_true", required=True,
                        help="plaintext only (TLS listeners are out of this stand-in's scope)")
    parser.add_argument("-H", dest="headers", action="append", default=[], metavar="'name: value'")
    parser.add_argument("-d", dest="data", default="{}", metavar="JSON")
    parser.add_argument("-format-error", dest="format_error", action="store_true")
    parser.add_argument("address")
    parser.add_argument("verb", nargs="+",
                        metavar="list [SERVICE] | describe SYMBOL | Service/Method")
    return parser.parse_args(argv)


def main(argv):
    args = parse_arguments(argv)
    channel = grpc.insecure_channel(args.address)
    reflection = Reflection(channel)
    verb = args.verb
    if verb[0] == "list":
        if len(verb) == 1:
            print("\n".join(reflection.services()))
        else:
            print("\n".join(m.full_name for m in reflection.find(verb[1]).methods))
        return 0
    if verb[0] == "describe":
        print(describe(reflection.find(verb[1])))
        return 0

    service_name, _, method_name = verb[0].replace("/", ".").rpartition(".")
    method = reflection.find(service_name).methods_by_name[method_name]
    request_class = message_class(method.input_type)
    response_class = message_class(method.output_type)
    request = json_format.Parse(args.data, request_class(), descriptor_pool=reflection.pool)
    metadata = []
    for header in args.headers:
        name, _, value = header.partition(":")
        metadata.append((name.strip().lower(), value.strip()))
    call = channel.unary_unary(f"/{service_name}/{method_name}",
                               request_serializer=request_class.SerializeToString,
                               response_deserializer=response_class.FromString)
    try:
        response = call(request, metadata=metadata, timeout=10)
    except grpc.RpcError as error:
        status = decoded_status(reflection, error)
        if args.format_error:
            print(json.dumps(status, indent=2))
        else:
            print(f"ERROR:\n  Code: {code_name(error.code())}\n"
                  f"  Message: {status.get('message', '')}")
            for i, detail in enumerate(status.get("details", []), 1):
                print(f"  Details:\n  {i})\t" if i == 1 else f"  {i})\t", end="")
                print(json.dumps(detail, indent=2).replace("\n", "\n    \t"))
        return 64 + error.code().value[0]
    print(json_format.MessageToJson(response, descriptor_pool=reflection.pool))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

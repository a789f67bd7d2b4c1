"""Offline check of the collection's execution-environment files, for want of ansible-builder (PyPI only).

Checks, against ansible-builder 3's documented definition format (version 3 for ee/execution-environment.yml,
version 1 for meta/execution-environment.yml, the collection's own):
  - only keys of that format, with the value types it documents;
  - every file the build needs is wired through: a `type: file` galaxy requirement names a file an
    additional_build_files entry puts in the galaxy stage's /build, a COPY of _build/<dest>/<file> names a declared
    entry, and no RUN step reads _build/ (the build context is reached only by COPY);
  - bindep.txt lines follow bindep's grammar (name, [selectors], version constraints), and each Debian name
    (platform:dpkg) is a package apt knows.
Prints one line per problem and exits 1 when there is any.

    /usr/bin/python3 modules/ansible/tests/ee/check-ee.py [COLLECTION_DIR]
"""

import os
import re
import subprocess
import sys

import yaml

STRINGS = 'a string or a list of strings'

V3_KEYS = {
    'version': 'number',
    'build_arg_defaults': {'ANSIBLE_GALAXY_CLI_COLLECTION_OPTS': str, 'ANSIBLE_GALAXY_CLI_ROLE_OPTS': str,
                           'PKGMGR_PRESERVE_CACHE': str},
    'dependencies': {'python': STRINGS, 'galaxy': 'galaxy', 'system': STRINGS, 'python_interpreter': dict,
                     'ansible_core': dict, 'ansible_runner': dict, 'exclude': dict},
    'images': {'base_image': dict},
    'additional_build_steps': {f'{when}_{stage}': STRINGS for when in ('prepend', 'append')
                               for stage in ('base', 'galaxy', 'builder', 'final')},
    'additional_build_files': list,
    'options': dict,
}
V1_KEYS = {
    'version': 'number',
    'ansible_config': str,
    'build_arg_defaults': dict,
    'dependencies': {'python': str, 'galaxy': str, 'system': str},
    'additional_build_steps': {'prepend': STRINGS, 'append': STRINGS},
}
# name, then optional [selectors], then optional version constraints (bindep's grammar, one requirement a line).
BINDEP_LINE = re.compile(r'^(?P<name>[A-Za-z0-9][A-Za-z0-9+._-]*)'
                         r'(?:\s+\[(?P<selectors>[^\]]*)\])?'
                         r'(?:\s+(?P<versions>(?:[<>=!]=?|==)\s*[A-Za-z0-9.:~+-]+(?:\s*,\s*(?:[<>=!]=?)\s*[A-Za-z0-9.:~+-]+)*))?\s*$')
SELECTOR = re.compile(r'^!?[A-Za-z0-9][A-Za-z0-9:._-]*$')


def type_problem(value, expected):
    if expected == 'number':
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else 'a number'
    if expected == STRINGS:
        ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        return None if ok else STRINGS
    if expected == 'galaxy':
        return None if isinstance(value, (dict, str, list)) else 'a mapping, a file name or a list of strings'
    if isinstance(expected, dict):
        return None if isinstance(value, dict) else 'a mapping'
    return None if isinstance(value, expected) else expected.__name__


def check_keys(where, value, spec, problems):
    for key, item in value.items():
        if key not in spec:
            problems.append(f'{where}: unknown key {key!r} (allowed: {", ".join(spec)})')
            continue
        expected = spec[key]
        wrong = type_problem(item, expected)
        if wrong:
            problems.append(f'{where}.{key}: must be {wrong}')
        elif isinstance(expected, dict):
            check_keys(f'{where}.{key}', item, expected, problems)


def step_lines(steps):
    for section, lines in (steps or {}).items():
        for line in (lines.strip().splitlines() if isinstance(lines, str) else lines):
            yield section, line.strip()


def check_ee_v3(path, problems):
    with open(path, encoding='utf-8') as f:
        ee = yaml.safe_load(f)
    if not isinstance(ee, dict) or ee.get('version') != 3:
        problems.append(f'{path}: must be a mapping with version: 3')
        return
    check_keys(path, ee, V3_KEYS, problems)
    base = (ee.get('images') or {}).get('base_image') or {}
    if not isinstance(base.get('name'), str) or not base['name']:
        problems.append(f'{path}: images.base_image.name must name the base image')

    # dest folder -> the file names ansible-builder puts under _build/<dest>/ (the basename of each src).
    build_files = {}
    for i, entry in enumerate(ee.get('additional_build_files') or []):
        if not isinstance(entry, dict) or set(entry) != {'src', 'dest'} or \
                not all(isinstance(entry[k], str) and entry[k] for k in ('src', 'dest')):
            problems.append(f'{path}: additional_build_files[{i}] must have exactly src and dest, both strings')
            continue
        if entry['dest'].startswith('/') or '..' in entry['dest'].split('/'):
            problems.append(f'{path}: additional_build_files[{i}].dest must be a folder inside the build context')
        build_files.setdefault(entry['dest'].strip('/'), set()).add(os.path.basename(entry['src']))

    def declared(relative):
        folder = os.path.dirname(relative)
        return os.path.basename(relative) in build_files.get(folder, set())

    galaxy = (ee.get('dependencies') or {}).get('galaxy')
    if isinstance(galaxy, dict):
        for req in galaxy.get('collections') or []:
            if isinstance(req, dict) and req.get('type') == 'file':
                # The galaxy stage copies _build/ to /build and installs from there.
                if not declared(req.get('name', '')):
                    problems.append(f"{path}: galaxy requirement {req.get('name')!r} is no <dest>/<file> of "
                                    'additional_build_files (the galaxy stage installs from /build = _build/)')

    for section, line in step_lines(ee.get('additional_build_steps')):
        instruction = line.split(None, 1)[0].upper() if line else ''
        if instruction == 'RUN' and '_build/' in line:
            problems.append(f'{path}: {section}: a RUN step cannot read _build/ (COPY it into the image first): {line}')
        if instruction == 'COPY' and not line.split()[1].startswith('--from'):
            for source in line.split()[1:-1]:
                if source.startswith('_build/') and not declared(source[len('_build/'):]):
                    problems.append(f'{path}: {section}: {source} is not declared in additional_build_files')


def check_ee_v1(path, collection, problems):
    with open(path, encoding='utf-8') as f:
        ee = yaml.safe_load(f)
    if not isinstance(ee, dict) or ee.get('version') != 1:
        problems.append(f'{path}: must be a mapping with version: 1')
        return
    check_keys(path, ee, V1_KEYS, problems)
    system = (ee.get('dependencies') or {}).get('system')
    if isinstance(system, str) and not os.path.isfile(os.path.join(collection, system)):
        problems.append(f'{path}: dependencies.system names {system}, which is not in the collection')
    return system


def check_bindep(path, problems):
    debian = []
    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            match = BINDEP_LINE.match(line)
            if not match:
                problems.append(f'{path}:{number}: not a bindep requirement: {raw.rstrip()}')
                continue
            selectors = (match.group('selectors') or '').split()
            bad = [s for s in selectors if not SELECTOR.match(s)]
            if bad:
                problems.append(f'{path}:{number}: bad selector(s) {bad}')
            if 'platform:dpkg' in selectors:
                debian.append((number, match.group('name')))
    for number, name in debian:
        shown = subprocess.run(['apt-cache', 'show', '--no-all-versions', name], capture_output=True, text=True,
                               check=False, timeout=60)
        if shown.returncode != 0 or f'Package: {name}' not in shown.stdout:
            problems.append(f'{path}:{number}: {name} [platform:dpkg] is no package apt knows '
                            '(or apt has no lists yet: apt-get update)')
    return len(debian)


def main():
    collection = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                    '..', '..')
    problems = []
    check_ee_v3(os.path.join(collection, 'ee', 'execution-environment.yml'), problems)
    system = check_ee_v1(os.path.join(collection, 'meta', 'execution-environment.yml'), collection, problems)
    debian = check_bindep(os.path.join(collection, system or 'bindep.txt'), problems)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f'check-ee: execution environment files valid ({debian} Debian package names known to apt)')
    return 0


if __name__ == '__main__':
    sys.exit(main())

//! The resolver: the graph of every resource and every stack of an app.
//!
//! Nodes are resources (grouped by stack); edges come from the references inside their
//! properties (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`) and from `DependsOn`. The
//! graph is built once per synth, in time linear in resources plus references, from the
//! templates themselves, so every resource is covered however it was made. From it come the
//! stack order, the waves of stacks that can deploy at the same time, and the errors for
//! cycles and dangling references.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use serde_json::Value;

use crate::cfn::Template;
use crate::cfn::scan::Scanned;
use crate::error::{Error, Result};

/// Why one stack depends on another: a construct of the consumer uses one of the producer.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) producer: u32,
    pub(crate) consumer: u32,
    /// The construct that uses (by its index in the arena, or `u32::MAX` for the outputs
    /// of the consuming stack), named only if the edge is on a cycle.
    pub(crate) user: u32,
    /// The construct that is used, by its index in the arena.
    pub(crate) used: u32,
}

/// The stacks in deploy order, each with its wave and the stacks it depends on.
#[derive(Debug, Clone)]
pub(crate) struct StackOrder {
    /// Stack indexes in deploy order: by wave, then by declaration.
    pub(crate) order: Vec<u32>,
    /// For each stack index: its wave.
    pub(crate) wave: Vec<usize>,
    /// For each stack index: the stacks it depends on, sorted.
    pub(crate) dependencies: Vec<Vec<u32>>,
}

/// Orders the stacks given the cross-stack `edges`. A cycle is an error that names every
/// reference on it: which construct uses which, each with its stack, as `paths` names the
/// two constructs of an edge (the used, then the user).
pub(crate) fn order_stacks(
    names: &[String],
    edges: &[Edge],
    paths: impl Fn(&Edge) -> (String, String),
) -> Result<StackOrder> {
    // Each edge of the graph is the position of the first edge between its two stacks.
    let mut graph: DiGraph<u32, usize> = DiGraph::with_capacity(names.len(), edges.len());
    let nodes: Vec<NodeIndex> = (0..names.len())
        .map(|i| graph.add_node(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    // The first edge between two stacks names them (a hash set: a large app's edges are a
    // reference of each construct to the shared stacks, 100,000 at N=50,000).
    let mut seen: foldhash::HashSet<(u32, u32)> =
        foldhash::HashSet::with_capacity_and_hasher(names.len(), Default::default());
    for (at, edge) in edges.iter().enumerate() {
        if seen.insert((edge.producer, edge.consumer)) {
            graph.add_edge(
                nodes[edge.producer as usize],
                nodes[edge.consumer as usize],
                at,
            );
        }
    }

    let Ok(topo) = toposort(&graph, None) else {
        let cycle = find_cycle(&graph)
            .into_iter()
            .map(|e| {
                let (used, user) = paths(&edges[graph[e]]);
                format!("`{used}` is used by `{user}`")
            })
            .collect();
        return Err(Error::StackCycle { cycle });
    };

    let mut wave = vec![0usize; names.len()];
    let mut dependencies: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    for node in topo {
        let consumer = graph[node] as usize;
        for producer in graph.neighbors_directed(node, petgraph::Direction::Incoming) {
            let p = graph[producer];
            wave[consumer] = wave[consumer].max(wave[p as usize] + 1);
            dependencies[consumer].push(p);
        }
        dependencies[consumer].sort_unstable();
    }
    let mut order: Vec<u32> = (0..names.len())
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();
    order.sort_by_key(|&i| (wave[i as usize], i));
    Ok(StackOrder {
        order,
        wave,
        dependencies,
    })
}

/// The edges of one cycle, in order, for a graph that has one. Deterministic: it starts at
/// the lowest node of the smallest strongly connected component and always follows the edge
/// to the lowest next node inside it.
fn find_cycle<N: Ord + Copy, E>(graph: &DiGraph<N, E>) -> Vec<EdgeIndex> {
    let mut components: Vec<Vec<NodeIndex>> = tarjan_scc(graph)
        .into_iter()
        .filter(|c| c.len() > 1 || c.iter().any(|&n| graph.contains_edge(n, n)))
        .collect();
    components.sort_by_key(|c| (c.len(), c.iter().map(|n| graph[*n]).min()));
    let Some(component) = components.first() else {
        return Vec::new();
    };
    let inside: BTreeSet<NodeIndex> = component.iter().copied().collect();
    let Some(&start) = component.iter().min_by_key(|n| graph[**n]) else {
        return Vec::new();
    };
    let mut path: Vec<EdgeIndex> = Vec::new();
    let mut visited: Vec<NodeIndex> = vec![start];
    let mut current = start;
    while let Some(edge) = graph
        .edges_directed(current, petgraph::Direction::Outgoing)
        .filter(|e| inside.contains(&e.target()))
        .min_by_key(|e| graph[e.target()])
    {
        path.push(edge.id());
        let next = edge.target();
        if let Some(pos) = visited.iter().position(|&v| v == next) {
            // The walk closed a loop: keep only the loop itself.
            return path.split_off(pos);
        }
        visited.push(next);
        current = next;
    }
    path
}

/// One resource of an app graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNode {
    /// The index of its stack in [`AppGraph::stacks`].
    pub stack: usize,
    /// The logical id.
    pub logical_id: String,
    /// The CloudFormation type.
    pub type_name: String,
    /// The path of the construct that made it.
    pub construct: String,
}

/// One stack of an app graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackNode {
    /// The stack name.
    pub name: String,
    /// The wave it deploys in.
    pub wave: usize,
}

/// The graph of a synthesized app: stacks and resources, with edges from what is used to
/// what uses it (the direction of deployment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppGraph {
    /// The stacks, in deploy order.
    pub stacks: Vec<StackNode>,
    /// `(producer, consumer)` indexes into `stacks`.
    pub stack_edges: Vec<(usize, usize)>,
    /// The resources, stack by stack in deploy order.
    pub resources: Vec<ResourceNode>,
    /// `(used, user)` indexes into `resources`.
    pub resource_edges: Vec<(usize, usize)>,
}

/// A mention of another resource inside a template value: by logical id, or by the name
/// of an export of another stack.
#[derive(Debug, PartialEq)]
enum Mention<S> {
    Local(S),
    Import(S),
    /// A logical id that the name of an `Fn::ImportValue` is built from (`${Bucket}-x`):
    /// a template parameter's may be, a resource's may not ([`built_imports`]).
    InImportName(S),
}

/// What each resource of a template names (in the order of its resources): read as the
/// stack is rendered (from its trees, or from a scan of its typed properties), so that
/// [`resource_graph`] reads no property.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Named(Vec<Vec<Mention<Box<str>>>>);

impl Named {
    /// What each resource of `template` names through `Ref`, `Fn::GetAtt`, `Fn::Sub` or
    /// `Fn::ImportValue`: read from what `scans` read of it (by position among the
    /// resources), or from its properties where no scan did.
    pub(crate) fn of(template: &Template, scans: &[Option<Scanned>]) -> Self {
        let mut found = Vec::new();
        Named(
            template
                .resources()
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    match scans.get(i).and_then(Option::as_ref) {
                        // The intrinsics in the order the walk of the tree meets them.
                        Some(scanned) => {
                            for (only, argument) in &scanned.intrinsics {
                                match only {
                                    Some(key) => only_key_mentions(key, argument, &mut found),
                                    None => mentions(argument, &mut found),
                                }
                            }
                        }
                        None => mentions(r.properties(), &mut found),
                    }
                    found
                        .drain(..)
                        .map(|m| match m {
                            Mention::Local(id) => Mention::Local(Box::from(id)),
                            Mention::Import(name) => Mention::Import(Box::from(name)),
                            Mention::InImportName(id) => Mention::InImportName(Box::from(id)),
                        })
                        .collect()
                })
                .collect(),
        )
    }
}

/// Every resource a value mentions through `Ref`, `Fn::GetAtt`, `Fn::Sub` or
/// `Fn::ImportValue` (pseudo parameters excluded).
fn mentions<'a>(value: &'a Value, out: &mut Vec<Mention<Cow<'a, str>>>) {
    match value {
        Value::Object(map) if map.len() == 1 => {
            if let Some((key, inner)) = map.iter().next() {
                only_key_mentions(key, inner, out);
            }
        }
        Value::Object(map) => map.values().for_each(|v| mentions(v, out)),
        Value::Array(items) => items.iter().for_each(|v| mentions(v, out)),
        _ => {}
    }
}

/// Every resource that the object `{key: inner}` (of that one key) mentions.
fn only_key_mentions<'a>(key: &str, inner: &'a Value, out: &mut Vec<Mention<Cow<'a, str>>>) {
    match (key, inner) {
        ("Ref", Value::String(id)) => {
            if !id.starts_with("AWS::") {
                out.push(Mention::Local(Cow::Borrowed(id)));
            }
        }
        ("Fn::GetAtt", Value::Array(args)) => {
            if let Some(Value::String(id)) = args.first() {
                out.push(Mention::Local(Cow::Borrowed(id)));
            }
        }
        ("Fn::GetAtt", Value::String(dotted)) => {
            out.push(Mention::Local(Cow::Borrowed(
                dotted.split('.').next().unwrap_or(dotted),
            )));
        }
        ("Fn::ImportValue", Value::String(name)) => out.push(Mention::Import(Cow::Borrowed(name))),
        ("Fn::ImportValue", built) => built_imports(built, out),
        ("Fn::Sub", Value::String(text)) => sub_mentions(text, &[], out),
        ("Fn::Sub", Value::Array(args)) => {
            let vars: Vec<&str> = match args.get(1) {
                Some(Value::Object(vars)) => vars.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            if let Some(Value::String(text)) = args.first() {
                sub_mentions(text, &vars, out);
            }
            if let Some(v) = args.get(1) {
                mentions(v, out);
            }
        }
        _ => mentions(inner, out),
    }
}

/// The exports that an `Fn::ImportValue` of a name built by intrinsics imports: the name,
/// where it is known before deploy as the rules read it (an `Fn::Sub` without variables,
/// an `Fn::Join` of text: [`crate::cfn::text::import_name`]); for an `Fn::If`, the names of
/// both branches (CloudFormation imports the one its condition picks). A name known only at
/// deploy (one that holds a pseudo parameter, `${AWS::StackName}-Vpc`) is no export read
/// here: only the references inside it are, each an [`Mention::InImportName`], since "the
/// ImportValue function can't include Ref or GetAtt functions that depend on a resource"
/// (AWS CloudFormation User Guide, `Fn::ImportValue`).
fn built_imports<'a>(built: &'a Value, out: &mut Vec<Mention<Cow<'a, str>>>) {
    if let Some(Value::Array(branches)) = built.get("Fn::If")
        && built.as_object().is_some_and(|map| map.len() == 1)
        && branches.len() == 3
    {
        for branch in &branches[1..] {
            match branch {
                Value::String(name) => out.push(Mention::Import(Cow::Borrowed(name))),
                other => built_imports(other, out),
            }
        }
        return;
    }
    match crate::cfn::text::import_name(built) {
        Some(name) if !name.contains("${") => out.push(Mention::Import(Cow::Owned(name))),
        _ => {
            let start = out.len();
            mentions(built, out);
            for m in &mut out[start..] {
                if let Mention::Local(id) = m {
                    *m = Mention::InImportName(std::mem::take(id));
                }
            }
        }
    }
}

/// The resources a `Fn::Sub` text names: `${Id}` and `${Id.Attr}`, not `${AWS::…}`, not the
/// literal `${!…}`, not the variables the `Sub` defines itself.
fn sub_mentions<'a>(text: &'a str, vars: &[&str], out: &mut Vec<Mention<Cow<'a, str>>>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        let id = name.split('.').next().unwrap_or(name);
        if !name.starts_with('!') && !id.starts_with("AWS::") && !vars.contains(&id) {
            out.push(Mention::Local(Cow::Borrowed(id)));
        }
        rest = &after[end + 1..];
    }
}

/// The resources of an app and the `(used, user)` edges between them.
pub(crate) type ResourcesAndEdges = (Vec<ResourceNode>, Vec<(usize, usize)>);

/// A reference to something the stack does not contain: the user's typo when it comes from
/// an escape-hatch resource, else a bug of ours.
fn dangling(stack: &str, template: &Template, r: &crate::cfn::Resource, target: String) -> Error {
    if r.construct_kind() == Some("RawResource") {
        return Error::RawReference {
            stack: stack.to_owned(),
            construct: r.construct_path().unwrap_or(r.logical_id()).to_owned(),
            target,
            known: template
                .resources()
                .iter()
                .map(|x| x.logical_id())
                .collect::<Vec<_>>()
                .join(", "),
        };
    }
    Error::DanglingReference {
        stack: stack.to_owned(),
        place: r.logical_id().to_owned(),
        target,
    }
}

/// The error of an import by `r` whose name is built from the resource `id`, which
/// CloudFormation refuses.
fn import_built_from_a_resource(r: &crate::cfn::Resource, id: &str) -> Error {
    Error::InvalidConstruct {
        path: r.construct_path().unwrap_or(r.logical_id()).to_owned(),
        reason: format!(
            "the name of its `Fn::ImportValue` is built from `{id}`, a resource of its stack, and CloudFormation refuses an import whose name includes a `Ref` or `Fn::GetAtt` of a resource; write the export's name as text (`stack:Construct:Attribute`), or refer to the resource itself"
        ),
    }
}

/// Where a stack deploys: the name of its environment and its region (`None`: the deploy
/// region, or no environment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    /// The name of the stack's environment.
    pub(crate) environment: Option<&'a str>,
    /// The stack's region, if pinned.
    pub(crate) region: Option<&'a str>,
}

/// Whether `r`, a resource of the stack at `s`, may import the export of `used`: the two
/// stacks deploy to one place (`places`, by position); else the error that says where each
/// is.
fn imported_beside(
    r: &crate::cfn::Resource,
    s: usize,
    used: &ResourceNode,
    places: &[Place<'_>],
) -> Result<()> {
    let place = |s: usize| places.get(s).copied().unwrap_or_default();
    let (consumer, producer) = (place(s), place(used.stack));
    if consumer == producer {
        return Ok(());
    }
    Err(imported_from_elsewhere(r, used, consumer, producer))
}

/// The error of an import, by `r` (at `consumer`), of the export of `used` (at
/// `producer`), a stack of another region or environment.
fn imported_from_elsewhere(
    r: &crate::cfn::Resource,
    used: &ResourceNode,
    consumer: Place<'_>,
    producer: Place<'_>,
) -> Error {
    let user = r.construct_path().unwrap_or(r.logical_id()).to_owned();
    let producer_path = if used.construct.is_empty() {
        used.logical_id.clone()
    } else {
        used.construct.clone()
    };
    if consumer.environment != producer.environment {
        return Error::Environment {
            subject: format!("construct `{user}`"),
            reason: format!(
                "it imports `{producer_path}` of environment `{}` from environment `{}`; an environment deploys with the credentials of its own account and cannot read another's stacks: declare what both need in each environment",
                producer.environment.unwrap_or("(none)"),
                consumer.environment.unwrap_or("(none)"),
            ),
        };
    }
    let region = |p: Place<'_>| p.region.unwrap_or("the deploy region").to_owned();
    Error::CrossRegion {
        consumer: user,
        consumer_region: region(consumer),
        producer: producer_path,
        producer_region: region(producer),
    }
}

/// Builds the resource graph of the templates (given in deploy order), checks that every
/// reference names a resource that exists, and that resources do not wait for each other in
/// a cycle. Each stack's resources by id, and then its edges, are read on every core
/// ([`crate::parallel`]): a stack's references are looked up among its own resources and
/// the app's exports, which are found first. The first error in deploy order is the error,
/// as one reading of the stacks in turn finds it.
///
/// `places` holds each stack's environment and region (as `stacks` orders them; a stack
/// past its end has no environment and the deploy region): CloudFormation resolves `Fn::ImportValue` among
/// the exports of the importing stack's own account and region ("You can't create
/// cross-stack references across regions", AWS CloudFormation User Guide, `Fn::ImportValue`),
/// so an escape-hatch import of an export that only a stack of another region or
/// environment makes is refused here, not by a failed change set on AWS.
pub(crate) fn resource_graph(
    stacks: &[(&str, &Template)],
    named: &[Named],
    places: &[Place<'_>],
) -> Result<ResourcesAndEdges> {
    // The nodes, on this thread: they are kept with the graph, and made on the threads of
    // the work below they held the memory of those threads' allocators (10 MiB more of
    // `synth --low-memory` at N=50,000). And where each stack's resources start among them.
    let mut nodes: Vec<ResourceNode> =
        Vec::with_capacity(stacks.iter().map(|(_, t)| t.resources().len()).sum());
    let mut starts = Vec::with_capacity(stacks.len());
    for (s, (_, template)) in stacks.iter().enumerate() {
        starts.push(nodes.len());
        nodes.extend(template.resources().iter().map(|r| ResourceNode {
            stack: s,
            logical_id: r.logical_id().to_owned(),
            type_name: r.type_name().to_owned(),
            construct: r.construct_path().unwrap_or_default().to_owned(),
        }));
    }
    // Each stack's resources by logical id (the last of an id written twice), hashed with
    // foldhash, not SipHash: looked up for every reference of the app.
    let workers = crate::parallel::workers();
    type Local<'t> = foldhash::HashMap<&'t str, usize>;
    let index: Vec<Local<'_>> = crate::parallel::parallel_map(0..stacks.len(), workers, |s| {
        let resources = stacks[s].1.resources();
        let mut index = Local::with_capacity_and_hasher(resources.len(), Default::default());
        for (i, r) in resources.iter().enumerate() {
            index.insert(r.logical_id(), starts[s] + i);
        }
        index
    });

    // Exports: name -> the resource the exported output reads; outputs: (stack, name) -> the
    // same, for the parameters that carry values across regions.
    let mut exports: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    let mut outputs: foldhash::HashMap<(&str, &str), usize> = foldhash::HashMap::default();
    for ((name, template), index) in stacks.iter().zip(&index) {
        for output in template.outputs() {
            let value = serde_json::to_value(&output.value).unwrap_or(Value::Null);
            let mut found = Vec::new();
            mentions(&value, &mut found);
            for m in found {
                let Mention::Local(id) = m else { continue };
                if template.parameters().iter().any(|p| p.name() == id) {
                    // A value of another region's stack, filled in by `up`.
                    continue;
                }
                let Some(&target) = index.get(&*id) else {
                    return Err(Error::DanglingReference {
                        stack: (*name).to_owned(),
                        place: format!("output {}", output.name()),
                        target: id.into_owned(),
                    });
                };
                if let Some(export) = output.export_name() {
                    exports.insert(export.to_owned(), target);
                }
                outputs.insert((name, output.name()), target);
            }
        }
    }

    let edges: Vec<Result<Vec<(usize, usize)>>> =
        crate::parallel::parallel_map(0..stacks.len(), workers, |s| {
            let ((name, template), index) = (stacks[s], &index[s]);
            let Some(named) = named.get(s) else {
                return Ok(Vec::new());
            };
            let mut edges = Vec::new();
            for (r, found) in template.resources().iter().zip(&named.0) {
                let Some(&user) = index.get(r.logical_id()) else {
                    continue;
                };
                let found = found.iter().map(|m| match m {
                    Mention::Local(id) => Mention::Local(&**id),
                    Mention::Import(name) => Mention::Import(&**name),
                    Mention::InImportName(id) => Mention::InImportName(&**id),
                });
                let waits = r
                    .depends_on_ids()
                    .iter()
                    .map(|d| Mention::Local(d.as_str()));
                for m in found.chain(waits) {
                    let used = match m {
                        Mention::InImportName(id) if index.contains_key(id) => {
                            return Err(import_built_from_a_resource(r, id));
                        }
                        Mention::Local(id) | Mention::InImportName(id) => match index.get(id) {
                            Some(&used) => used,
                            None => template
                                .parameters()
                                .iter()
                                .find(|p| p.name() == id)
                                .and_then(|p| outputs.get(&(p.stack(), p.name())).copied())
                                .ok_or_else(|| dangling(name, template, r, id.to_owned()))?,
                        },
                        Mention::Import(export) => match exports.get(export) {
                            Some(&used) => {
                                imported_beside(r, s, &nodes[used], places).map(|()| used)?
                            }
                            None => {
                                return Err(dangling(
                                    name,
                                    template,
                                    r,
                                    format!("export {export}"),
                                ));
                            }
                        },
                    };
                    edges.push((used, user));
                }
            }
            Ok(edges)
        });
    let mut all = Vec::new();
    for edges in edges {
        all.extend(edges?);
    }
    all.sort_unstable();
    all.dedup();
    let edges = all;

    let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(nodes.len(), edges.len());
    for i in 0..nodes.len() {
        graph.add_node(i);
    }
    for &(a, b) in &edges {
        graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    if toposort(&graph, None).is_err() {
        let describe = |n: usize| {
            let r = &nodes[n];
            format!("`{}/{}` ({})", stacks[r.stack].0, r.logical_id, r.construct)
        };
        let cycle_edges = find_cycle(&graph);
        let mut cycle: Vec<String> = cycle_edges
            .iter()
            .filter_map(|&e| graph.edge_endpoints(e))
            .map(|(a, _)| describe(graph[a]))
            .collect();
        if let Some(first) = cycle.first().cloned() {
            cycle.push(first);
        }
        return Err(Error::ResourceCycle { cycle });
    }
    Ok((nodes, edges))
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

impl AppGraph {
    /// The stack graph in Graphviz DOT: one node per stack with its wave, an edge from each
    /// stack to the stacks that import from it.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let a = app.stack("clinic-security")?;
    /// let key = a.add(KmsKey::new("PhiKey"))?;
    /// let b = app.stack("clinic-data")?;
    /// b.add(LogGroup::new("Logs").encryption(&key))?;
    /// let dot = app.synth()?.graph().stacks_dot();
    /// assert!(dot.contains("\"clinic-security\" -> \"clinic-data\";"));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn stacks_dot(&self) -> String {
        let mut out = String::from("digraph stacks {\n  rankdir=LR;\n  node [shape=box];\n");
        for s in &self.stacks {
            let name = dot_escape(&s.name);
            let _ = writeln!(out, "  \"{name}\" [label=\"{name}\\nwave {}\"];", s.wave);
        }
        for &(a, b) in &self.stack_edges {
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\";",
                dot_escape(&self.stacks[a].name),
                dot_escape(&self.stacks[b].name)
            );
        }
        out.push_str("}\n");
        out
    }

    /// The stack graph as a Mermaid flowchart, for a README.
    ///
    /// ```
    /// # use hipaa_stack::prelude::*;
    /// # let app = App::new("clinic");
    /// # app.stack("clinic-security")?.add(KmsKey::new("PhiKey"))?;
    /// let mermaid = app.synth()?.graph().stacks_mermaid();
    /// assert!(mermaid.starts_with("flowchart LR\n"));
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn stacks_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for (i, s) in self.stacks.iter().enumerate() {
            let _ = writeln!(out, "  s{i}[\"{} (wave {})\"]", s.name, s.wave);
        }
        for &(a, b) in &self.stack_edges {
            let _ = writeln!(out, "  s{a} --> s{b}");
        }
        out
    }

    /// The resource graph in Graphviz DOT: a cluster per stack, an edge from each resource
    /// to the resources that use it.
    pub fn resources_dot(&self) -> String {
        let mut out = String::from("digraph resources {\n  rankdir=LR;\n  node [shape=box];\n");
        for (s, stack) in self.stacks.iter().enumerate() {
            let _ = writeln!(
                out,
                "  subgraph cluster_{s} {{\n    label=\"{}\";",
                dot_escape(&stack.name)
            );
            for (i, r) in self
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| r.stack == s)
            {
                let _ = writeln!(
                    out,
                    "    r{i} [label=\"{}\\n{}\"];",
                    dot_escape(&r.logical_id),
                    dot_escape(&r.type_name)
                );
            }
            out.push_str("  }\n");
        }
        for &(a, b) in &self.resource_edges {
            let _ = writeln!(out, "  r{a} -> r{b};");
        }
        out.push_str("}\n");
        out
    }

    /// The resource graph as a Mermaid flowchart, a subgraph per stack.
    pub fn resources_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for (s, stack) in self.stacks.iter().enumerate() {
            let _ = writeln!(out, "  subgraph s{s}[\"{}\"]", stack.name);
            for (i, r) in self
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| r.stack == s)
            {
                let _ = writeln!(out, "    r{i}[\"{}<br/>{}\"]", r.logical_id, r.type_name);
            }
            out.push_str("  end\n");
        }
        for &(a, b) in &self.resource_edges {
            let _ = writeln!(out, "  r{a} --> r{b}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// What a scan reads of typed properties names the same resources, in the same
        /// order, as a reading of their tree.
        #[test]
        fn a_scan_names_what_the_tree_names(
            properties in proptest::collection::vec(crate::testing::intrinsic_values(), 1..4),
        ) {
            let (typed, scans, trees) = crate::testing::typed_and_tree(&properties);
            proptest::prop_assert!(scans.iter().all(Option::is_some));
            proptest::prop_assert_eq!(Named::of(&typed, &scans), Named::of(&trees, &[]));
        }
    }

    #[test]
    fn a_scan_reads_an_intrinsic_alone_in_its_object_as_such_and_beside_others_as_a_value() {
        let (typed, scans, _) = crate::testing::typed_and_tree(&[serde_json::json!({
            "A": { "Ref": "One" },
            "B": { "Ref": "Two", "Other": 1 },
            "C": [{ "Fn::GetAtt": ["Three", "Arn"] }, { "Fn::ImportValue": "x:y" }],
            "D": { "Fn::Sub": ["${Four}${V}", { "V": { "Ref": "Five" } }] },
        })]);
        let named = Named::of(&typed, &scans);
        let found: Vec<String> = named.0[0]
            .iter()
            .map(|m| match m {
                Mention::Local(id) => id.to_string(),
                Mention::Import(name) => format!("import {name}"),
                Mention::InImportName(id) => format!("in an import's name {id}"),
            })
            .collect();
        // `Two` is the value of a key `Ref` beside another key: no reference.
        assert_eq!(found, ["One", "Three", "import x:y", "Four", "Five"]);
    }

    fn edge(producer: u32, consumer: u32) -> Edge {
        Edge {
            producer,
            consumer,
            user: consumer,
            used: producer,
        }
    }

    /// The constructs of an edge of [`edge`]: `sN/Used` of the producer, `sN/User` of the
    /// consumer.
    fn paths(edge: &Edge) -> (String, String) {
        (
            format!("s{}/Used", edge.used),
            format!("s{}/User", edge.user),
        )
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("s{i}")).collect()
    }

    #[test]
    fn waves_follow_the_longest_chain() {
        let order = order_stacks(&names(4), &[edge(0, 1), edge(1, 2), edge(0, 2)], paths).unwrap();
        assert_eq!(order.wave, vec![0, 1, 2, 0]);
        assert_eq!(order.order, vec![0, 3, 1, 2]);
        assert_eq!(order.dependencies[2], vec![0, 1]);
    }

    #[test]
    fn a_cycle_names_every_reference_on_it_in_order() {
        let err = order_stacks(
            &names(4),
            &[edge(0, 1), edge(1, 2), edge(2, 0), edge(3, 0)],
            paths,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "stacks reference each other in a cycle: `s0/Used` is used by `s1/User`, \
             `s1/Used` is used by `s2/User`, `s2/Used` is used by `s0/User`; \
             move the constructs that both sides use into a stack of their own"
        );
    }

    /// The graph as one reading of the stacks in turn built it, before each stack's part
    /// was read on a core of its own: what [`resource_graph`] must still find.
    fn resource_graph_in_turn(
        stacks: &[(&str, &Template)],
        named: &[Named],
        places: &[Place<'_>],
    ) -> Result<ResourcesAndEdges> {
        let mut nodes: Vec<ResourceNode> = Vec::new();
        // Looked up for every reference of the app: hashed with foldhash, not SipHash.
        let mut index: foldhash::HashMap<(usize, &str), usize> = foldhash::HashMap::default();
        for (s, (_, template)) in stacks.iter().enumerate() {
            for r in template.resources() {
                index.insert((s, r.logical_id()), nodes.len());
                nodes.push(ResourceNode {
                    stack: s,
                    logical_id: r.logical_id().to_owned(),
                    type_name: r.type_name().to_owned(),
                    construct: r.construct_path().unwrap_or_default().to_owned(),
                });
            }
        }

        // Exports: name -> the resource the exported output reads; outputs: (stack, name) -> the
        // same, for the parameters that carry values across regions.
        let mut exports: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
        let mut outputs: foldhash::HashMap<(&str, &str), usize> = foldhash::HashMap::default();
        for (s, (name, template)) in stacks.iter().enumerate() {
            for output in template.outputs() {
                let value = serde_json::to_value(&output.value).unwrap_or(Value::Null);
                let mut found = Vec::new();
                mentions(&value, &mut found);
                for m in found {
                    let Mention::Local(id) = m else { continue };
                    if template.parameters().iter().any(|p| p.name() == id) {
                        // A value of another region's stack, filled in by `up`.
                        continue;
                    }
                    let Some(&target) = index.get(&(s, &*id)) else {
                        return Err(Error::DanglingReference {
                            stack: (*name).to_owned(),
                            place: format!("output {}", output.name()),
                            target: id.into_owned(),
                        });
                    };
                    if let Some(export) = output.export_name() {
                        exports.insert(export.to_owned(), target);
                    }
                    outputs.insert((name, output.name()), target);
                }
            }
        }

        let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
        for ((s, (name, template)), named) in stacks.iter().enumerate().zip(named) {
            for (r, found) in template.resources().iter().zip(&named.0) {
                let user = index[&(s, r.logical_id())];
                let found = found.iter().map(|m| match m {
                    Mention::Local(id) => Mention::Local(&**id),
                    Mention::Import(name) => Mention::Import(&**name),
                    Mention::InImportName(id) => Mention::InImportName(&**id),
                });
                let waits = r
                    .depends_on_ids()
                    .iter()
                    .map(|d| Mention::Local(d.as_str()));
                for m in found.chain(waits) {
                    let used = match m {
                        Mention::InImportName(id) if index.contains_key(&(s, id)) => {
                            return Err(import_built_from_a_resource(r, id));
                        }
                        Mention::Local(id) | Mention::InImportName(id) => match index.get(&(s, id))
                        {
                            Some(&used) => used,
                            None => template
                                .parameters()
                                .iter()
                                .find(|p| p.name() == id)
                                .and_then(|p| outputs.get(&(p.stack(), p.name())).copied())
                                .ok_or_else(|| dangling(name, template, r, id.to_owned()))?,
                        },
                        Mention::Import(export) => match exports.get(export) {
                            Some(&used) => {
                                imported_beside(r, s, &nodes[used], places).map(|()| used)?
                            }
                            None => {
                                return Err(dangling(
                                    name,
                                    template,
                                    r,
                                    format!("export {export}"),
                                ));
                            }
                        },
                    };
                    edges.insert((used, user));
                }
            }
        }

        let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(nodes.len(), edges.len());
        for i in 0..nodes.len() {
            graph.add_node(i);
        }
        for &(a, b) in &edges {
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        }
        if toposort(&graph, None).is_err() {
            let describe = |n: usize| {
                let r = &nodes[n];
                format!("`{}/{}` ({})", stacks[r.stack].0, r.logical_id, r.construct)
            };
            let cycle_edges = find_cycle(&graph);
            let mut cycle: Vec<String> = cycle_edges
                .iter()
                .filter_map(|&e| graph.edge_endpoints(e))
                .map(|(a, _)| describe(graph[a]))
                .collect();
            if let Some(first) = cycle.first().cloned() {
                cycle.push(first);
            }
            return Err(Error::ResourceCycle { cycle });
        }
        Ok((nodes, edges.into_iter().collect()))
    }

    /// A stack of raw resources `A`, `B`, `C` and `a.b` (each once, or twice) whose
    /// properties mention any of a few ids and exports, waiting for some of those ids, with
    /// outputs that export some of them.
    fn any_template() -> impl proptest::strategy::Strategy<Value = Template> {
        use proptest::prelude::*;
        let resource = |id: &'static str| {
            (
                proptest::option::weighted(0.3, crate::testing::intrinsic_values()),
                proptest::collection::vec("A|B|C", 0..2),
            )
                .prop_map(move |(value, waits)| {
                    let mut r = crate::cfn::Resource::raw(
                        id.to_owned(),
                        "AWS::SQS::Queue".to_owned(),
                        serde_json::json!({ "P": value }),
                    );
                    for wait in waits.iter().filter(|w| w.as_str() > id) {
                        r = r.depends_on(wait);
                    }
                    r
                })
        };
        // An output of a resource the stack lacks, now and then.
        let target = prop_oneof![19 => "A|B|C", 1 => Just("Z".to_owned())];
        let output =
            ("O1|O2", target, proptest::option::of("A|B|a\\.b")).prop_map(|(name, id, export)| {
                crate::cfn::Output {
                    name,
                    value: crate::cfn::Expr::reference(&id),
                    description: None,
                    export,
                }
            });
        (
            (resource("A"), resource("B"), resource("C"), resource("a.b")),
            proptest::option::weighted(0.2, resource("A")),
            proptest::collection::vec(output, 0..3),
        )
            .prop_map(|((a, b, c, dotted), twice, outputs)| Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: [a, b, c, dotted].into_iter().chain(twice).collect(),
                outputs,
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The graph read on every core is the graph read stack by stack: the same nodes
        /// and edges, or the same error (the first in deploy order).
        #[test]
        fn the_graph_read_on_every_core_is_the_graph_read_in_turn(
            templates in proptest::collection::vec(any_template(), 1..5),
            regions in proptest::collection::vec(proptest::option::weighted(0.2, "us-west-2"), 0..5),
        ) {
            let names = ["s0", "s1", "s2", "s3"];
            let stacks: Vec<(&str, &Template)> = names.iter().copied().zip(&templates).collect();
            let named: Vec<Named> = templates.iter().map(|t| Named::of(t, &[])).collect();
            // Now and then a stack of another region, whose exports the others cannot import.
            let places: Vec<Place<'_>> = regions
                .iter()
                .map(|r| Place { environment: None, region: r.as_deref() })
                .collect();
            let found = resource_graph(&stacks, &named, &places).map_err(|e| e.to_string());
            let read = resource_graph_in_turn(&stacks, &named, &places).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(found, read);
        }
    }

    /// An app of environment `prod` (account 111111111111, us-east-1) whose stack `keys`
    /// holds a topic that another stack of its own uses (so that it is exported as
    /// `prod-keys:Topic:Ref`), and a stack `user` of environment `environment` (`prod`, or
    /// another of the same account) in `region` whose escape-hatch parameter imports `name`:
    /// what `check` says.
    fn import_from(
        environment: &str,
        region: crate::Region,
        name: &Value,
    ) -> std::result::Result<(), String> {
        use crate::prelude::*;
        let app = App::new("imports");
        let prod = app
            .environment("prod", account!("111111111111"), region!("us-east-1"))
            .unwrap();
        let keys = prod.stack(stack_name!("keys")).unwrap();
        let topic = keys
            .add(RawResource::new("Topic", "AWS::SNS::Topic"))
            .unwrap();
        prod.stack(stack_name!("topicuse"))
            .unwrap()
            .add(
                RawResource::new("Param", "AWS::SSM::Parameter")
                    .property("Type", "String")
                    .property("Value", topic.reference()),
            )
            .unwrap();
        let user = if environment == "prod" {
            prod.stack_in(stack_name!("user"), region).unwrap()
        } else {
            app.environment(environment, account!("111111111111"), region)
                .unwrap()
                .stack(stack_name!("user"))
                .unwrap()
        };
        user.add(
            RawResource::new("Imported", "AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", serde_json::json!({ "Fn::ImportValue": name })),
        )
        .unwrap();
        app.check().map(drop).map_err(|e| e.to_string())
    }

    /// CloudFormation resolves `Fn::ImportValue` among the exports of the importing stack's
    /// own account and region ("You can't create cross-stack references across regions",
    /// AWS CloudFormation User Guide, `Fn::ImportValue`): an escape-hatch import of an
    /// export of another region or environment is refused at synth, its name written as
    /// text or built before deploy (`Fn::Sub`, `Fn::Join`, either branch of an `Fn::If`),
    /// as is a built name that no stack exports; a name known only at deploy is not read
    /// here.
    #[test]
    fn an_escape_hatch_import_of_another_region_or_environment_is_refused() {
        use serde_json::json;
        let east = || crate::region!("us-east-1");
        for name in [
            json!("prod-keys:Topic:Ref"),
            json!({ "Fn::Sub": "prod-keys:Topic:Ref" }),
            json!({ "Fn::Join": ["-", ["prod", "keys:Topic:Ref"]] }),
        ] {
            import_from("prod", east(), &name).unwrap();
            let err = import_from("prod", crate::region!("us-west-2"), &name).unwrap_err();
            assert_eq!(
                err,
                "`prod-user/Imported` (us-west-2) uses `prod-keys/Topic` (us-east-1), but CloudFormation cannot import across regions; keep both in one region with `app.stack_in(.., region)`, or give the resource a fixed name and refer to it by that name"
            );
            let err = import_from("staging", east(), &name).unwrap_err();
            assert!(
                err.starts_with("construct `staging-user/Imported`: it imports `prod-keys/Topic` of environment `prod` from environment `staging`"),
                "{err}"
            );
        }
        let missing = json!({ "Fn::Sub": "prod-keys:Nothing:Ref" });
        // Either branch of an `Fn::If` may be the name imported.
        let either = json!({ "Fn::If": ["Big", "prod-keys:Topic:Ref", missing.clone()] });
        for name in [missing, either] {
            let err = import_from("prod", east(), &name).unwrap_err();
            assert!(
                err.starts_with("the escape-hatch resource `prod-user/Imported` refers to `export prod-keys:Nothing:Ref`"),
                "{err}"
            );
        }
        let west = json!({ "Fn::If": ["Big", { "Fn::Sub": "prod-keys:Topic:Ref" }, "prod-keys:Topic:Ref"] });
        import_from("prod", east(), &west).unwrap();
        let err = import_from("prod", crate::region!("us-west-2"), &west).unwrap_err();
        assert!(err.contains("cannot import across regions"), "{err}");
        let at_deploy = json!({ "Fn::Sub": "${AWS::StackName}-Topic" });
        import_from("prod", east(), &at_deploy).unwrap();
    }

    /// "The ImportValue function can't include Ref or GetAtt functions that depend on a
    /// resource" (AWS CloudFormation User Guide, `Fn::ImportValue`): an escape-hatch import
    /// whose name is built from a resource of its stack is refused at synth, with what to
    /// write instead, not by a failed change set.
    #[test]
    fn an_import_named_from_a_resource_is_refused() {
        use crate::prelude::*;
        use serde_json::json;
        for name in [
            json!({ "Fn::Sub": "${Queue}-name" }),
            json!({ "Fn::Join": ["", [{ "Fn::GetAtt": ["Queue", "Arn"] }, ":x"]] }),
            json!({ "Fn::If": ["Big", { "Fn::Sub": "${AWS::StackName}-x" }, { "Fn::Sub": "${Queue.QueueName}" }] }),
        ] {
            let app = App::new("imports");
            let stack = app.stack("user").unwrap();
            stack
                .add(RawResource::new("Queue", "AWS::SQS::Queue"))
                .unwrap();
            stack
                .add(
                    RawResource::new("Imported", "AWS::SSM::Parameter")
                        .property("Type", "String")
                        .property("Value", json!({ "Fn::ImportValue": name })),
                )
                .unwrap();
            let err = app.check().map(drop).unwrap_err().to_string();
            assert!(
                err.starts_with("construct `user/Imported` is invalid: the name of its `Fn::ImportValue` is built from `Queue`, a resource of its stack"),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn sub_mentions_skip_pseudo_parameters_literals_and_variables() {
        let mut out = Vec::new();
        sub_mentions(
            "arn:${AWS::Partition}:${Bucket.Arn}/${!Literal}/${Var}/${Key}",
            &["Var"],
            &mut out,
        );
        let ids: Vec<&str> = out
            .iter()
            .map(|m| match m {
                Mention::Local(id) | Mention::Import(id) | Mention::InImportName(id) => &**id,
            })
            .collect();
        assert_eq!(ids, ["Bucket", "Key"]);
    }

    use crate::cfn::logs::LogGroup;
    use crate::cfn::policy::{PolicyDocument, Principal, Statement};
    use crate::cfn::s3::BucketPolicy;
    use crate::cfn::{Expr, Resource};

    fn group(id: &str, key: Expr) -> Resource {
        let group = LogGroup {
            log_group_name: None,
            kms_key_id: key,
            retention_in_days: 365,
        };
        Resource::new(id.to_owned(), group).unwrap()
    }

    fn template(resources: Vec<Resource>) -> Template {
        Template {
            description: String::new(),
            parameters: Vec::new(),
            resources,
            outputs: Vec::new(),
        }
    }

    #[test]
    fn resources_that_wait_for_each_other_are_a_cycle_error() {
        let t = template(vec![
            group("A", Expr::get_att("B", "Arn")),
            group("B", Expr::reference("C")),
            group("C", Expr::lit("k")).depends_on("A"),
        ]);
        let err = resource_graph(&[("s", &t)], &[Named::of(&t, &[])], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("resources wait for each other in a cycle: `s/A`"),
            "{err}"
        );
        for id in ["`s/B`", "`s/C`"] {
            assert!(err.contains(id), "{err}");
        }
    }

    #[test]
    fn a_reference_to_a_missing_resource_is_an_error() {
        let t = template(vec![group("A", Expr::sub_pseudo("${Missing.Arn}"))]);
        assert_eq!(
            resource_graph(&[("s", &t)], &[Named::of(&t, &[])], &[])
                .unwrap_err()
                .to_string(),
            "`A` refers to `Missing`, which stack `s` does not contain; this is a bug in hipaa-stack, please report it"
        );
    }

    #[test]
    fn a_bucket_policy_over_20_kb_fails_at_synth_naming_it() {
        let statements = (0..200)
            .map(|i| {
                let sid: &'static str = Box::leak(format!("Allow{i}").into_boxed_str());
                Statement::allow(
                    sid,
                    Principal::Aws(Expr::lit(format!(
                        "arn:aws:iam::123456789012:role/reader-{i}"
                    ))),
                    &["s3:GetObject"],
                    vec![Expr::lit(format!("arn:aws:s3:::bucket/prefix-{i}/*"))],
                )
            })
            .collect();
        let policy = BucketPolicy {
            bucket: Expr::lit("bucket"),
            policy_document: PolicyDocument::new(statements),
        };
        let t = template(vec![Resource::new("BigPolicy".to_owned(), policy).unwrap()]);
        let json = t.to_json().unwrap();
        let err = crate::synth::check_limits("s", &t, &json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("stack `s` has "), "{err}");
        assert!(
            err.contains(
                "bytes in the bucket policy `BigPolicy` of ``, over CloudFormation's limit of 20480"
            ),
            "{err}"
        );
        // The policy's length as compact JSON.
        let compact = serde_json::to_string(&t.resources()[0].properties()["PolicyDocument"])
            .unwrap()
            .len();
        assert!(compact > 20_480, "{compact}");
        assert!(
            err.contains(&format!("has {compact} bytes in the bucket policy")),
            "{err}"
        );
    }
}

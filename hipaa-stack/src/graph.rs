//! The stack graph: which stack imports from which, in what order they deploy, and the
//! waves of stacks that can deploy at the same time.

use std::collections::BTreeMap;

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::error::{Error, Result};

/// Why one stack depends on another: the first construct that made the reference.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) producer: u32,
    pub(crate) consumer: u32,
    pub(crate) via: String,
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

/// Orders `stack_count` stacks given the cross-stack `edges`; a cycle is an error that names
/// every stack on it and the construct that made each reference.
pub(crate) fn order_stacks(names: &[String], edges: &[Edge]) -> Result<StackOrder> {
    let mut graph: DiGraph<u32, String> = DiGraph::with_capacity(names.len(), edges.len());
    let nodes: Vec<NodeIndex> = (0..names.len())
        .map(|i| graph.add_node(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let mut seen: BTreeMap<(u32, u32), ()> = BTreeMap::new();
    for edge in edges {
        if seen.insert((edge.producer, edge.consumer), ()).is_none() {
            graph.add_edge(
                nodes[edge.producer as usize],
                nodes[edge.consumer as usize],
                edge.via.clone(),
            );
        }
    }

    let topo = match toposort(&graph, None) {
        Ok(topo) => topo,
        Err(_) => return Err(cycle_error(&graph, names)),
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

fn cycle_error(graph: &DiGraph<u32, String>, names: &[String]) -> Error {
    // The smallest strongly connected component with more than one stack is a cycle; walk it
    // from its first-declared stack, always to the first-declared successor inside it.
    let mut components: Vec<Vec<NodeIndex>> = tarjan_scc(graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    components.sort_by_key(|c| (c.len(), c.iter().map(|n| graph[*n]).min()));
    let Some(component) = components.first() else {
        return Error::StackCycle { cycle: Vec::new() };
    };
    let Some(&start) = component.iter().min_by_key(|n| graph[**n]) else {
        return Error::StackCycle { cycle: Vec::new() };
    };
    let mut cycle = Vec::new();
    let mut current = start;
    let mut visited = Vec::new();
    loop {
        visited.push(current);
        let next = graph
            .edges_directed(current, petgraph::Direction::Outgoing)
            .filter(|e| component.contains(&petgraph::visit::EdgeRef::target(e)))
            .min_by_key(|e| graph[petgraph::visit::EdgeRef::target(e)]);
        let Some(edge) = next else { break };
        let target = petgraph::visit::EdgeRef::target(&edge);
        cycle.push(format!(
            "`{}` (used by `{}` in `{}`)",
            names[graph[current] as usize],
            edge.weight(),
            names[graph[target] as usize]
        ));
        if target == start || visited.contains(&target) {
            break;
        }
        current = target;
    }
    Error::StackCycle { cycle }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(producer: u32, consumer: u32) -> Edge {
        Edge {
            producer,
            consumer,
            via: format!("s{consumer}/C"),
        }
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("s{i}")).collect()
    }

    #[test]
    fn waves_follow_the_longest_chain() {
        let order = order_stacks(&names(4), &[edge(0, 1), edge(1, 2), edge(0, 2)]).unwrap();
        assert_eq!(order.wave, vec![0, 1, 2, 0]);
        assert_eq!(order.order, vec![0, 3, 1, 2]);
        assert_eq!(order.dependencies[2], vec![0, 1]);
    }

    #[test]
    fn a_cycle_names_every_stack_on_it() {
        let err = order_stacks(&names(4), &[edge(0, 1), edge(1, 2), edge(2, 0), edge(3, 0)])
            .unwrap_err()
            .to_string();
        for stack in ["`s0`", "`s1`", "`s2`"] {
            assert!(err.contains(stack), "{err}");
        }
        assert!(!err.contains("`s3`"), "{err}");
        assert!(err.contains("move the shared resources"), "{err}");
    }
}

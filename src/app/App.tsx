import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../constants';

const Overview = React.lazy(() => import('./pages/Overview'));
const Slos = React.lazy(() => import('./pages/Slos'));
const Capacity = React.lazy(() => import('./pages/Capacity'));
const Anomalies = React.lazy(() => import('./pages/Anomalies'));
const Incidents = React.lazy(() => import('./pages/Incidents'));
const Experiments = React.lazy(() => import('./pages/Experiments'));

export default function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={`${ROUTES.Slos}/:id?`} element={<Slos />} />
      <Route path={`${ROUTES.Slos}/:id/edit`} element={<Slos edit />} />
      <Route path={ROUTES.Capacity} element={<Capacity />} />
      <Route path={ROUTES.Anomalies} element={<Anomalies />} />
      <Route path={ROUTES.Incidents} element={<Incidents />} />
      <Route path={ROUTES.Experiments} element={<Experiments />} />
      <Route path="*" element={<Overview />} />
    </Routes>
  );
}
